// Styles every panel shares. Only VS Code's theme variables (--vscode-*), so light, dark and
// high-contrast themes all work; focus is always visible.
import { css } from 'lit';

export const baseStyles = css`
  :host {
    color: var(--vscode-foreground);
    font-family: var(--vscode-font-family);
    font-size: var(--vscode-font-size);
    font-weight: var(--vscode-font-weight);
  }
  :focus-visible {
    outline: 1px solid var(--vscode-focusBorder);
    outline-offset: 1px;
  }
  .mono {
    font-family: var(--vscode-editor-font-family);
    font-size: var(--vscode-editor-font-size);
  }
  .muted {
    color: var(--vscode-descriptionForeground);
  }
  .error {
    color: var(--vscode-errorForeground);
  }
  .notice {
    border-left: 3px solid var(--vscode-editorWarning-foreground);
    background: var(--vscode-textBlockQuote-background);
    padding: 4px 8px;
    margin: 4px 0;
  }
  .notice.error {
    border-left-color: var(--vscode-errorForeground);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;

/** A panel's outer layout: its padding, and the header row of controls that wraps on narrow panels. */
export const panelLayoutStyles = css`
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
`;
