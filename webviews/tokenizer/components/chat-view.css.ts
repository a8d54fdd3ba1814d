import { css } from 'lit';

export const chatViewStyles = css`
  .options {
    display: flex;
    flex-wrap: wrap;
    gap: 8px 16px;
    align-items: center;
    margin-bottom: 8px;
  }
  .message {
    display: grid;
    grid-template-columns: 9em 1fr auto;
    gap: 6px;
    align-items: start;
    margin-bottom: 6px;
  }
  vscode-textarea {
    width: 100%;
  }
  h3 {
    font-size: 1em;
    margin: 14px 0 4px;
  }
  pre.rendered {
    font-family: var(--vscode-editor-font-family);
    font-size: var(--vscode-editor-font-size);
    white-space: pre-wrap;
    word-break: break-word;
    background: var(--vscode-textCodeBlock-background);
    padding: 8px;
    border-radius: 3px;
    margin: 0;
  }
  .special {
    background: var(--vscode-editor-findMatchHighlightBackground);
    outline: 1px solid var(--vscode-focusBorder);
    border-radius: 2px;
    color: inherit;
  }
  .special sub {
    color: var(--vscode-textLink-foreground);
    font-size: 0.75em;
    margin-left: 2px;
  }
  ul.problems {
    list-style: none;
    padding: 0;
    margin: 4px 0;
  }
  ul.problems li::before {
    margin-right: 6px;
  }
  ul.problems li.error::before {
    content: '✖';
    color: var(--vscode-errorForeground);
  }
  ul.problems li.warning::before {
    content: '⚠';
    color: var(--vscode-editorWarning-foreground);
  }
  ul.problems li.info::before {
    content: 'ℹ';
    color: var(--vscode-editorInfo-foreground);
  }
`;
