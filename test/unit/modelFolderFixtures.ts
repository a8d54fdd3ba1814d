// Shared by the model-folder, runtime and transformers.js tests and the benchmarks: a minimal
// byte-level BPE tokenizer.json (256 byte tokens, no merges, <|endoftext|> as id 256), a
// word-level one for toy vocabularies, and temporary folders.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { GPTConfig } from '../../extension/engine/gpt/config';
import { randomWeights } from '../../extension/engine/gpt/randomWeights';
import type { TensorMap } from '../../extension/engine/gpt/tensor';
import { writeModelFolder } from '../../extension/engine/modelFolder/writeModelFolder';
import { bytesToVocabString } from '../../extension/engine/tokenizer/byteLevel';

export const END_OF_TEXT_ID = 256;

export function byteLevelTokenizerJson(): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  for (let b = 0; b < 256; b++) vocab[bytesToVocabString([b])] = b;
  vocab['<|endoftext|>'] = END_OF_TEXT_ID;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [{ id: END_OF_TEXT_ID, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: true, special: true }],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, byte_fallback: false, vocab, merges: [] },
  };
}

/** A word-level tokenizer.json with tokens w0 .. w{size-1}, for toy models with a small vocabulary. */
export function wordLevelTokenizerJson(size: number): Record<string, unknown> {
  const vocab = Object.fromEntries(Array.from({ length: size }, (_, i) => [`w${i}`, i]));
  return { version: '1.0', model: { type: 'WordLevel', vocab, unk_token: 'w0' }, pre_tokenizer: { type: 'WhitespaceSplit' } };
}

/** A fresh folder under the OS temp dir; remove it with removeTempDir. */
export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

export function removeTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Writes a random GPT-2 with the byte-level tokenizer to `dir`, its token embeddings 20 times
 * GPT-2's init so that next-token distributions have clear winners; returns its weights.
 */
export function writePeakedModel(dir: string, config: GPTConfig, seed: number): TensorMap {
  const weights = randomWeights(config, seed);
  for (const value of weights.values()) if (value.dims.length === 2 && value.dims[0] === config.vocab_size) value.data.forEach((v, i, a) => (a[i] = v * 20));
  writeModelFolder(dir, { config, weights, tokenizerJson: byteLevelTokenizerJson() });
  return weights;
}
