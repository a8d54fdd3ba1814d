import { css } from 'lit';

export const contextBarStyles = css`
  :host {
    display: block;
  }
  .bar {
    display: flex;
    height: 22px;
    border: 1px solid var(--vscode-panel-border, var(--vscode-contrastBorder, transparent));
    overflow: hidden;
  }
  .bar > div {
    min-width: 1px;
    height: 100%;
  }
  .system {
    background: var(--vscode-charts-purple);
  }
  .source {
    background: var(--vscode-charts-blue);
    border-right: 1px solid var(--vscode-editor-background);
  }
  .question {
    background: var(--vscode-charts-green);
  }
  .answer {
    background: repeating-linear-gradient(45deg, var(--vscode-charts-orange) 0 4px, transparent 4px 8px);
  }
  .free {
    background: var(--vscode-input-background);
  }
  .overflow {
    margin-top: 2px;
    display: flex;
    height: 10px;
  }
  .overflow > div {
    background: repeating-linear-gradient(-45deg, var(--vscode-errorForeground) 0 3px, transparent 3px 6px);
  }
  ul {
    list-style: none;
    padding: 0;
    margin: 6px 0;
  }
  li {
    margin: 2px 0;
  }
  .swatch {
    display: inline-block;
    width: 10px;
    height: 10px;
    margin-right: 6px;
    vertical-align: middle;
  }
  .cut {
    display: block;
    margin: 2px 0 4px 16px;
    padding: 2px 6px;
    text-decoration: line-through;
    color: var(--vscode-descriptionForeground);
    border-left: 3px solid var(--vscode-errorForeground);
    white-space: pre-wrap;
    max-height: 6em;
    overflow: auto;
  }
`;
