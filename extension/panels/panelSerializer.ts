// Brings panels back after a window reload. VS Code hands a serializer the panel it recreated and
// the state the webview last saved with setState(); the panel's controller takes it from there.
// package.json must list "onWebviewPanel:<viewType>" in activationEvents for this to run.
import * as vscode from 'vscode';
import type { Message } from '../../webviews/shared/protocol';
import { PanelHost, type PanelSpec } from './panelHost';

export function registerPanelSerializer<F extends Message, T extends Message>(
  spec: PanelSpec<F>,
  extensionUri: vscode.Uri,
  restore: (host: PanelHost<F, T>, state: unknown) => void,
): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(spec.viewType, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
      restore(new PanelHost<F, T>(panel, spec, extensionUri), state);
    },
  });
}
