// The rule of Workspace Trust for files the extension loads: a model folder, tokenizer file or chat
// template that lies inside a folder of an untrusted workspace is not loaded. Files elsewhere
// (the extension's own models, a folder the user picked outside the workspace) are the user's
// own choice and load as usual. Kept apart from the editor API so that it can be tested alone.

import { isAtOrInside } from '../engine/files/insideFolder';

/** The workspace folder holding `file` when the workspace is not trusted; undefined when `file` may be loaded. */
export function untrustedFolderHolding(file: string, workspaceFolders: readonly string[], trusted: boolean): string | undefined {
  if (trusted) return undefined;
  return workspaceFolders.find((folder) => isAtOrInside(folder, file));
}
