import { css } from 'lit';

export const compareViewStyles = css`
  fieldset {
    border: none;
    padding: 0;
    margin: 0 0 8px;
    display: flex;
    flex-wrap: wrap;
    gap: 4px 16px;
  }
  legend {
    padding: 0 0 4px;
    color: var(--vscode-descriptionForeground);
  }
  table {
    border-collapse: collapse;
    margin-bottom: 10px;
  }
  th,
  td {
    text-align: left;
    padding: 2px 12px 2px 0;
    font-variant-numeric: tabular-nums;
  }
  th {
    color: var(--vscode-descriptionForeground);
    font-weight: normal;
    border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent));
  }
  td.num {
    text-align: right;
  }
  .bar {
    display: inline-block;
    height: 0.7em;
    background: var(--vscode-charts-blue, var(--vscode-progressBar-background));
    vertical-align: middle;
  }
  .columns {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(220px, 1fr));
    gap: 10px;
  }
  .column {
    border: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent));
    border-radius: 3px;
    padding: 6px;
    min-width: 0;
  }
  .column h3 {
    margin: 0 0 4px;
    font-size: 1em;
  }
  .pieces {
    font-family: var(--vscode-editor-font-family);
    font-size: var(--vscode-editor-font-size);
    white-space: pre-wrap;
    word-break: break-all;
    line-height: 1.6;
  }
  .piece {
    border-radius: 2px;
    background: var(--vscode-editor-selectionHighlightBackground);
  }
  .piece:nth-child(even) {
    background: var(--vscode-editor-wordHighlightStrongBackground);
  }
`;
