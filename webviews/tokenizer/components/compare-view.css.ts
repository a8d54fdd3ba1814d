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
  td:first-child {
    white-space: nowrap;
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
    line-height: 1.9;
  }
  /* The colours of the token boundaries drawn on the file (contributed in package.json). */
  .piece {
    display: inline-block;
    white-space: pre;
    line-height: 1.3;
    margin-right: 1px;
    padding: 0 1px;
    border-radius: 2px;
    background: var(--vscode-llmPipeline-tokenBoundary-evenBackground, var(--vscode-editor-selectionHighlightBackground));
    box-shadow: inset 0 0 0 1px var(--vscode-llmPipeline-tokenBoundary-border, transparent);
  }
  .piece:nth-of-type(even) {
    background: var(--vscode-llmPipeline-tokenBoundary-oddBackground, var(--vscode-editor-wordHighlightStrongBackground));
  }
  .piece.partial {
    font-size: 0.75em;
    color: var(--vscode-editorWarning-foreground);
  }
`;
