import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;

/** The extension's one LogOutputChannel ("LLM Pipeline Lab" in the Output view). */
export function log(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('LLM Pipeline Lab', { log: true });
  return channel;
}
