import { css } from 'lit';

export const tokenChipsStyles = css`
  .chips {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
    padding: 2px;
  }
  .chip {
    display: inline-flex;
    flex-direction: column;
    align-items: stretch;
    min-width: 2.2em;
    padding: 2px 6px;
    border: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent));
    border-radius: 3px;
    background: var(--vscode-editorWidget-background);
    cursor: pointer;
    user-select: text;
  }
  .chip:nth-child(even) {
    background: var(--vscode-editor-inactiveSelectionBackground);
  }
  .chip:hover,
  .chips:focus-within .chip.current {
    background: var(--vscode-list-hoverBackground);
    border-color: var(--vscode-focusBorder);
  }
  .chip:focus-visible {
    outline: 1px solid var(--vscode-focusBorder);
    outline-offset: 1px;
  }
  .chip.special {
    border-color: var(--vscode-charts-purple, var(--vscode-focusBorder));
    border-style: dashed;
  }
  .text {
    font-family: var(--vscode-editor-font-family);
    font-size: var(--vscode-editor-font-size);
    white-space: pre;
    text-align: center;
  }
  .text .ws {
    color: var(--vscode-editorWhitespace-foreground, var(--vscode-descriptionForeground));
  }
  .text .partial {
    color: var(--vscode-editorWarning-foreground);
  }
  .id {
    font-size: 0.85em;
    text-align: center;
    color: var(--vscode-textLink-foreground);
    font-variant-numeric: tabular-nums;
  }
  .hex {
    font-family: var(--vscode-editor-font-family);
    font-size: 0.75em;
    text-align: center;
    color: var(--vscode-descriptionForeground);
    white-space: nowrap;
  }
  .more {
    margin-top: 8px;
    display: flex;
    align-items: center;
    gap: 8px;
  }
`;
