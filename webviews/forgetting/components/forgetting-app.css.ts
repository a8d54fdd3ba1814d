import { css } from 'lit';

export const forgettingAppStyles = css`
  section { margin: 10px 0; }
  h2 { font-size: 1.1em; margin: 12px 0 4px; }
  .row { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 4px 0; }
  vscode-textfield { width: 6em; }
  .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(22em, 1fr)); gap: 12px; }
  table { border-collapse: collapse; }
  th, td { padding: 2px 8px; text-align: right; border-bottom: 1px solid var(--vscode-panel-border); white-space: nowrap; }
  th:first-child, td:first-child { text-align: left; }
`;
