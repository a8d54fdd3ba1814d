import { css } from 'lit';

export const speculativeAppStyles = css`
  section { margin: 10px 0; }
  h2 { font-size: 1.1em; margin: 12px 0 4px; }
  .row { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 4px 0; }
  vscode-textarea { width: 100%; }
  vscode-textfield { width: 6em; }
  .text {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    padding: 6px;
    line-height: 1.7;
    max-height: 24em;
    overflow: auto;
    background: var(--vscode-textCodeBlock-background);
  }
  .span { border-radius: 2px; padding: 0 1px; }
  /* Accepted draft tokens, the target's corrections and bonus tokens, dropped proposals. */
  .accepted { background: color-mix(in srgb, var(--vscode-charts-green) 30%, transparent); }
  .corrected { background: color-mix(in srgb, var(--vscode-charts-orange) 35%, transparent); }
  .bonus { background: color-mix(in srgb, var(--vscode-charts-blue) 30%, transparent); }
  .rejected {
    color: var(--vscode-errorForeground);
    text-decoration: line-through;
    opacity: 0.8;
  }
  .legend .span { margin-right: 10px; }
  dl { display: grid; grid-template-columns: max-content auto; gap: 2px 12px; margin: 6px 0; }
  dt { color: var(--vscode-descriptionForeground); }
  dd { margin: 0; font-variant-numeric: tabular-nums; }
  .verdict { font-weight: bold; }
`;
