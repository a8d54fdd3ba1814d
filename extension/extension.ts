import * as vscode from 'vscode';
import { log } from './log';

// activate() only registers: commands, panels' serializers, status bar items.
// Nothing heavy (ONNX Runtime, tokenizer data) is loaded until a command needs it.
export function activate(context: vscode.ExtensionContext): void {
  const started = Date.now();
  log().info(`LLM Pipeline Lab activated in ${Date.now() - started} ms`);
}

export function deactivate(): void {}
