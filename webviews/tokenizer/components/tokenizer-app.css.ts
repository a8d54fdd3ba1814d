import { css } from 'lit';

export const tokenizerAppStyles = css`
  :host {
    display: block;
    padding: 8px 12px 24px;
  }
  header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
    margin-bottom: 6px;
  }
  header vscode-single-select {
    min-width: 16em;
  }
  .source {
    margin: 4px 0;
  }
  details {
    margin: 6px 0;
  }
  summary {
    cursor: pointer;
    color: var(--vscode-textLink-foreground);
  }
  details vscode-textarea {
    width: 100%;
    margin-top: 4px;
  }
  vscode-tab-panel {
    padding: 8px 2px;
  }
`;
