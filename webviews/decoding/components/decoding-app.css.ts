import { css } from 'lit';

export const decodingAppStyles = css`
  :host {
    display: block;
    padding: 8px 16px 24px;
    max-width: 1000px;
  }
  header {
    display: flex;
    align-items: baseline;
    gap: 12px;
    flex-wrap: wrap;
  }
  h1 {
    font-size: 1.3em;
    margin: 4px 0;
  }
  h2 {
    font-size: 1.05em;
    margin: 14px 0 4px;
    display: flex;
    align-items: baseline;
    gap: 10px;
  }
  .prompt textarea {
    width: 100%;
    box-sizing: border-box;
    font-family: var(--vscode-editor-font-family);
    font-size: var(--vscode-editor-font-size);
    color: var(--vscode-input-foreground);
    background: var(--vscode-input-background);
    border: 1px solid var(--vscode-input-border, transparent);
    padding: 4px;
    resize: vertical;
  }
  .row,
  .toolbar {
    display: flex;
    align-items: center;
    flex-wrap: wrap;
    gap: 8px;
    margin: 6px 0;
  }
  .group {
    display: inline-flex;
    gap: 4px;
    align-items: center;
  }
  input[type='number'] {
    width: 64px;
    color: var(--vscode-input-foreground);
    background: var(--vscode-input-background);
    border: 1px solid var(--vscode-input-border, transparent);
    padding: 2px 4px;
  }
  .field {
    display: inline-flex;
    gap: 6px;
    align-items: center;
  }
  .tabs {
    display: flex;
    gap: 2px;
    border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent));
    margin-top: 8px;
  }
  [role='tab'] {
    background: none;
    border: none;
    border-bottom: 2px solid transparent;
    color: var(--vscode-foreground);
    padding: 6px 12px;
    cursor: pointer;
    font: inherit;
  }
  [role='tab'][aria-selected='true'] {
    border-bottom-color: var(--vscode-panelTitle-activeBorder, var(--vscode-focusBorder));
    font-weight: 600;
  }
  .export {
    font-weight: normal;
    font-size: 0.85em;
  }
  .link {
    background: none;
    border: none;
    color: var(--vscode-textLink-foreground);
    cursor: pointer;
    padding: 0 2px;
    font: inherit;
  }
  .link:hover {
    text-decoration: underline;
  }
`;
