import { css } from 'lit';

export const quantizationAppStyles = css`
  section { margin: 10px 0; }
  h2 { font-size: 1.1em; margin: 12px 0 4px; }
  .row { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
  .scroll { overflow-x: auto; }
  table { border-collapse: collapse; }
  th, td { padding: 2px 8px; text-align: right; border-bottom: 1px solid var(--vscode-panel-border); white-space: nowrap; }
  th:first-child, td:first-child { text-align: left; }
  .text {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    max-height: 14em;
    overflow: auto;
    padding: 6px;
    background: var(--vscode-textCodeBlock-background);
  }
  mark {
    background: var(--vscode-editor-findMatchHighlightBackground);
    color: inherit;
    outline: 1px solid var(--vscode-editorWarning-foreground);
  }
  .matrices { display: grid; grid-template-columns: repeat(auto-fill, minmax(16em, 1fr)); gap: 10px; }
  .matrix { border: 1px solid var(--vscode-panel-border); padding: 6px; }
  .matrix h3 { font-size: 1em; margin: 0 0 4px; overflow-wrap: anywhere; }
  ul { margin: 4px 0; padding-left: 1.2em; }
`;
