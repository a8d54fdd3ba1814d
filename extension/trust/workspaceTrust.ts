// Workspace Trust for the files the extension loads (see trustRule.ts): the check the loaders
// call before reading a model folder or a tokenizer, and the words the pickers show.
import * as vscode from 'vscode';
import { untrustedFolderHolding } from './trustRule';

/** The workspace folder that holds `file` while the workspace is untrusted, else undefined. */
export function untrustedFolderOf(file: string): string | undefined {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  return untrustedFolderHolding(file, folders, vscode.workspace.isTrusted);
}

/** Why `file` is not loaded, for a picker's line or an error. */
export function untrustedReason(file: string, folder: string): string {
  return vscode.l10n.t(
    '{0} is inside {1}, a folder of this workspace, which is not trusted. Model folders, tokenizers and chat templates from an untrusted workspace are not loaded: trust the workspace first (Workspaces: Manage Workspace Trust).',
    file,
    folder,
  );
}

/** Throws, with the reason, when `file` lies in a folder of an untrusted workspace. */
export function requireTrustedLocation(file: string): void {
  const folder = untrustedFolderOf(file);
  if (folder !== undefined) throw new Error(untrustedReason(file, folder));
}
