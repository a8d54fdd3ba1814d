import { css } from 'lit';

export const compareColumnsStyles = css`
  .columns {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(200px, 1fr));
    gap: 10px;
  }
  .column {
    border: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent));
    background: var(--vscode-editorWidget-background);
    padding: 6px 10px 10px;
  }
  h3 {
    margin: 2px 0;
    font-size: 1.05em;
  }
  .how {
    margin: 0 0 6px;
    font-size: 0.9em;
  }
  .text {
    white-space: pre-wrap;
    word-break: break-word;
    margin: 0 0 6px;
    min-height: 3em;
  }
  .score {
    margin: 0 0 6px;
  }
`;
