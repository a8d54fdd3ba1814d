// One way in for every tokenizer the extension shows: a built-in name or a path on disk.

import { convertBuiltin } from './builtinConversion';
import { BUILTIN_TOKENIZERS, isBuiltinTokenizerName, loadBuiltinTokenizer } from './builtins';
import type { HfTextTokenizer } from './hfTokenizer';
import { loadTokenizerFile } from './loadTokenizerFile';

/**
 * `spec` is a built-in name (r50k_base, cl100k_base, o200k_base; "gpt2" is r50k_base) or the path
 * of a tokenizer.json or of a folder holding one. Built-ins are converted in this thread (the CLI
 * has nothing else to do meanwhile), and cached in `cacheDir` when given.
 */
export function openTokenizer(spec: string, options: { readonly cacheDir?: string } = {}): Promise<HfTextTokenizer> {
  const name = spec === 'gpt2' ? 'r50k_base' : spec;
  return isBuiltinTokenizerName(name) ? loadBuiltinTokenizer(name, { ...options, convert: convertBuiltin }) : loadTokenizerFile(spec);
}

/** The names openTokenizer knows without a path, for help texts. */
export const BUILTIN_NAMES: readonly string[] = BUILTIN_TOKENIZERS.map((b) => b.name);
