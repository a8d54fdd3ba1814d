import { css } from 'lit';

export const rankingListStyles = css`
  :host {
    display: block;
    min-width: 0;
  }
  h3 {
    margin: 4px 0;
    font-size: 1em;
  }
  .feeds {
    font-weight: normal;
    font-size: 0.9em;
    padding: 0 4px;
    border-radius: 2px;
    color: var(--vscode-badge-foreground);
    background: var(--vscode-badge-background);
  }
  ol {
    list-style: none;
    padding: 0;
    margin: 0;
  }
  li {
    margin: 0 0 6px;
    padding: 4px;
    border-left: 3px solid var(--vscode-charts-blue);
    background: var(--vscode-textBlockQuote-background);
  }
  .head {
    display: flex;
    gap: 6px;
    align-items: baseline;
  }
  .score {
    font-variant-numeric: tabular-nums;
    margin-left: auto;
  }
  button.link {
    background: none;
    border: none;
    padding: 0;
    color: var(--vscode-textLink-foreground);
    cursor: pointer;
    font: inherit;
    text-align: left;
  }
  .preview {
    display: block;
    color: var(--vscode-descriptionForeground);
    overflow-wrap: anywhere;
  }
`;
