// Every problem with a model folder is reported as the file it is in and what is wrong with it,
// so the message alone tells the user what to fix ("config.json: n_embd is missing").

import * as fs from 'node:fs';
import * as path from 'node:path';

export class ModelFolderError extends Error {
  /** The file the problem is in, as given (absolute or relative to the folder). */
  readonly file: string;

  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'ModelFolderError';
    this.file = file;
  }
}

/** The folder-relative name used in messages: "config.json", "onnx/model.onnx". */
export function displayName(dir: string, file: string): string {
  const relative = path.relative(dir, file);
  return relative.startsWith('..') ? file : relative.split(path.sep).join('/');
}

export function requireFile(file: string, shownAs: string): void {
  if (!fs.existsSync(file)) throw new ModelFolderError(shownAs, 'is missing');
}
