import { css } from 'lit';

export const quantizationAppStyles = css`
  section { margin: 10px 0; }
  h2 { font-size: 1.1em; margin: 12px 0 4px; }
  .row { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
  .results-box { container-type: inline-size; }
  table { border-collapse: collapse; }
  th, td { padding: 2px 8px; text-align: right; border-bottom: 1px solid var(--vscode-panel-border); white-space: nowrap; }
  th:first-child, td:first-child { text-align: left; }
  /* Too narrow for nine columns: each variant becomes a card of labelled values, two to a line. */
  @container (max-width: 46em) {
    thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
    table, tbody { display: block; }
    tr { display: grid; grid-template-columns: repeat(auto-fill, minmax(13em, 1fr)); column-gap: 16px; padding: 6px 0; border-bottom: 1px solid var(--vscode-panel-border); }
    td { display: flex; justify-content: space-between; gap: 8px; border: 0; padding: 1px 0; }
    td::before { content: attr(data-label); color: var(--vscode-descriptionForeground); }
    td:first-child { grid-column: 1 / -1; font-weight: bold; }
    td:first-child::before { content: none; }
  }
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
