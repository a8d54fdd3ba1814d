/**
 * Options for every quick pick a command shows. When the command palette closes, VS Code hands
 * focus back to the editor group, which hands it to a webview that had it a moment later; a quick
 * pick opened in between loses focus and would close before the user saw it (microsoft/vscode
 * issue 93950). Escape still closes it.
 */
export const PICKER_OPTIONS = { ignoreFocusOut: true } as const;
