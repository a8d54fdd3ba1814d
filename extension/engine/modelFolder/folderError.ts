// Every problem with a model folder is reported as the file it is in and what is wrong with it,
// so the message alone tells the user what to fix ("config.json: n_embd is missing").

import * as fs from 'node:fs';

export class ModelFolderError extends Error {
  /** The file the problem is in, as given (absolute or relative to the folder). */
  readonly file: string;

  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'ModelFolderError';
    this.file = file;
  }
}

export function requireFile(file: string, shownAs: string): void {
  if (!fs.existsSync(file)) throw new ModelFolderError(shownAs, 'is missing');
}
