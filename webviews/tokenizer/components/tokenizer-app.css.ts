import { css } from 'lit';

export const tokenizerAppStyles = css`
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
