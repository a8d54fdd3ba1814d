// The tokenizers that come with the extension, no download needed: OpenAI's GPT-2 (r50k_base),
// GPT-3.5/GPT-4 (cl100k_base) and GPT-4o (o200k_base). Their data are the rank files inside the
// js-tiktoken npm package; tiktokenToHf.ts turns them into tokenizer.json so that they run through
// the same @huggingface/tokenizers code as any model folder, and js-tiktoken stays an independent
// check in the tests. The conversion takes seconds (o200k_base the most), so the converted JSON is
// kept in a cache folder, and the caller says where it runs: in this thread
// (builtinConversion.ts, for the CLI and tests) or in a worker process (tokenizerWorkers.ts, for
// the extension, whose thread every other extension shares). The rank files stay out of the
// extension's own bundle that way: only the worker's holds them.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../modelFolder/atomicWrite';
import { HfTextTokenizer } from './hfTokenizer';

export type BuiltinTokenizerName = 'r50k_base' | 'cl100k_base' | 'o200k_base';

export interface BuiltinTokenizerInfo {
  readonly name: BuiltinTokenizerName;
  /** Which models use it, for the user. */
  readonly usedBy: string;
  /** Largest token id + 1 (tiktoken's n_vocab). */
  readonly vocabSize: number;
}

export const BUILTIN_TOKENIZERS: readonly BuiltinTokenizerInfo[] = [
  { name: 'r50k_base', usedBy: 'GPT-2, GPT-3', vocabSize: 50257 },
  { name: 'cl100k_base', usedBy: 'GPT-3.5, GPT-4', vocabSize: 100277 },
  { name: 'o200k_base', usedBy: 'GPT-4o, GPT-4.1, o1, o3', vocabSize: 200019 },
];

export function isBuiltinTokenizerName(name: string): name is BuiltinTokenizerName {
  return BUILTIN_TOKENIZERS.some((b) => b.name === name);
}

/** Bump when the conversion changes, so that cached files from an older version are not reused. */
const CONVERSION_VERSION = 1;

/** tiktoken never tidies spaces around punctuation when decoding, and neither must we. */
const BUILTIN_CONFIG = { clean_up_tokenization_spaces: false, bos_token: '<|endoftext|>', eos_token: '<|endoftext|>' };

/** Converts a built-in tokenizer's rank file into the text of its tokenizer.json. */
export type BuiltinConverter = (name: BuiltinTokenizerName) => Promise<string>;

export interface BuiltinLoadOptions {
  readonly convert: BuiltinConverter;
  /** A folder for the converted tokenizer.json files; created when missing. */
  readonly cacheDir?: string;
}

/** Where the converted tokenizer.json of `name` is cached inside `cacheDir`. */
export function builtinCachePath(cacheDir: string, name: BuiltinTokenizerName): string {
  return path.join(cacheDir, `${name}.v${CONVERSION_VERSION}.tokenizer.json`);
}

/** The converted tokenizer.json, from the cache when it holds a readable copy, else converted now (and cached). */
export async function builtinTokenizerJson(name: BuiltinTokenizerName, options: BuiltinLoadOptions): Promise<Record<string, unknown>> {
  const cached = options.cacheDir === undefined ? undefined : builtinCachePath(options.cacheDir, name);
  if (cached !== undefined && fs.existsSync(cached)) {
    try {
      return JSON.parse(fs.readFileSync(cached, 'utf8')) as Record<string, unknown>;
    } catch {
      // A damaged cache file is not the user's problem: convert again and replace it.
    }
  }
  const text = await options.convert(name);
  if (cached !== undefined) writeFileAtomic(cached, text);
  return JSON.parse(text) as Record<string, unknown>;
}

const loaded = new Map<BuiltinTokenizerName, Promise<HfTextTokenizer>>();

/** A built-in tokenizer, converted once per process (and once per cache folder across processes). */
export function loadBuiltinTokenizer(name: BuiltinTokenizerName, options: BuiltinLoadOptions): Promise<HfTextTokenizer> {
  let tokenizer = loaded.get(name);
  if (!tokenizer) {
    tokenizer = builtinTokenizerJson(name, options).then((json) => new HfTextTokenizer(name, json, BUILTIN_CONFIG));
    tokenizer.catch(() => loaded.delete(name));
    loaded.set(name, tokenizer);
  }
  return tokenizer;
}
