import { css } from 'lit';

export const attentionAppStyles = css`
  .source {
    margin-left: auto;
  }
  token-strip {
    margin: 6px 0;
  }
  vscode-tab-panel {
    padding: 8px 2px;
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
    margin: 6px 0;
  }
  .save {
    display: inline-flex;
    gap: 4px;
    margin-left: auto;
  }
  p.muted {
    margin: 6px 0;
    max-width: 80ch;
  }
`;
