// Converting a built-in tokenizer in this thread: js-tiktoken's rank file (0.5 to 2.3 MB, loaded
// only when asked for) through tiktokenToHf.ts into the text of a tokenizer.json.

import type { BuiltinLoadOptions, BuiltinTokenizerName } from './builtins';
import { tiktokenToTokenizerJson, type TiktokenRanks } from './tiktokenToHf';

async function loadRanks(name: BuiltinTokenizerName): Promise<TiktokenRanks> {
  switch (name) {
    case 'r50k_base':
      return (await import('js-tiktoken/ranks/r50k_base')).default;
    case 'cl100k_base':
      return (await import('js-tiktoken/ranks/cl100k_base')).default;
    case 'o200k_base':
      return (await import('js-tiktoken/ranks/o200k_base')).default;
  }
}

export async function convertBuiltin(name: BuiltinTokenizerName): Promise<string> {
  return JSON.stringify(tiktokenToTokenizerJson(await loadRanks(name)));
}

/** Built-in tokenizers converted in this thread, without a cache: the CLI and the tests. */
export const CONVERT_HERE: BuiltinLoadOptions = { convert: convertBuiltin };
