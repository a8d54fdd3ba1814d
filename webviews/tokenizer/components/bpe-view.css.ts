import { css } from 'lit';

export const bpeViewStyles = css`
  .word {
    display: flex;
    gap: 6px;
    align-items: center;
    margin-bottom: 10px;
  }
  .pieces {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
    align-items: center;
    margin: 6px 0;
  }
  button.piece {
    font-family: var(--vscode-editor-font-family);
    white-space: pre;
    color: var(--vscode-button-secondaryForeground);
    background: var(--vscode-button-secondaryBackground);
    border: 1px solid transparent;
    border-radius: 2px;
    padding: 2px 6px;
    cursor: pointer;
  }
  button.piece.chosen {
    color: var(--vscode-button-foreground);
    background: var(--vscode-button-background);
  }
  .player {
    display: flex;
    gap: 4px;
    align-items: center;
    flex-wrap: wrap;
    margin: 6px 0;
  }
  .player .position {
    margin-left: 8px;
    font-variant-numeric: tabular-nums;
  }
  .parts {
    display: flex;
    flex-wrap: wrap;
    gap: 3px;
    padding: 8px 4px;
    min-height: 2.4em;
  }
  .part {
    font-family: var(--vscode-editor-font-family);
    font-size: calc(var(--vscode-editor-font-size) * 1.2);
    white-space: pre;
    padding: 2px 6px;
    border-radius: 3px;
    border: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent));
    background: var(--vscode-editorWidget-background);
  }
  .part.merged {
    background: var(--vscode-editor-findMatchHighlightBackground);
    border-color: var(--vscode-focusBorder);
  }
  .part .id {
    display: block;
    font-size: 0.65em;
    text-align: center;
    color: var(--vscode-textLink-foreground);
  }
  ol {
    margin: 6px 0;
    padding-left: 2.5em;
    font-family: var(--vscode-editor-font-family);
  }
  li {
    cursor: pointer;
    padding: 1px 4px;
  }
  li.future {
    color: var(--vscode-disabledForeground);
  }
  li.current {
    background: var(--vscode-list-activeSelectionBackground);
    color: var(--vscode-list-activeSelectionForeground);
  }
  .rank {
    color: var(--vscode-descriptionForeground);
  }
  li.current .rank {
    color: inherit;
  }
`;
