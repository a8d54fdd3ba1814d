import { css } from 'lit';

export const ragAppStyles = css`
  section {
    margin: 10px 0;
  }
  h2 {
    font-size: 1.1em;
    margin: 12px 0 4px;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    align-items: center;
  }
  vscode-textarea {
    width: 100%;
  }
  vscode-textfield {
    width: 6em;
  }
  .rankings {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(14em, 1fr));
    gap: 10px;
  }
  pre {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    max-height: 18em;
    overflow: auto;
    padding: 6px;
    background: var(--vscode-textCodeBlock-background);
  }
  .answer {
    display: grid;
    grid-template-columns: minmax(0, 2fr) minmax(10em, 1fr);
    gap: 10px;
  }
  .sources {
    list-style: none;
    padding: 0;
    margin: 0;
  }
  .sources li {
    margin: 2px 0;
  }
  .sources .not-cited {
    color: var(--vscode-descriptionForeground);
  }
  button.link {
    background: none;
    border: none;
    padding: 0;
    color: var(--vscode-textLink-foreground);
    cursor: pointer;
    font: inherit;
  }
`;
