// A tiny random GPT-2 with the byte-level tokenizer for the eval tests, and the hand computation
// they are checked against: log-probabilities from the TypeScript reference forward pass
// (referenceForward.ts), which shares no code with the ONNX graphs the engine runs.

import * as path from 'node:path';
import type { GPTConfig } from '../../extension/engine/gpt/config';
import { referenceForward } from '../../extension/engine/gpt/referenceForward';
import type { TensorMap } from '../../extension/engine/gpt/tensor';
import { END_OF_TEXT_ID, writePeakedModel } from './modelFolderFixtures';

export const EVAL_CONFIG: GPTConfig = { n_layer: 2, n_head: 2, n_embd: 16, n_positions: 256, vocab_size: 257, layer_norm_epsilon: 1e-5 };

export function writeEvalModel(temp: string): { dir: string; weights: TensorMap } {
  const dir = path.join(temp, 'model');
  return { dir, weights: writePeakedModel(dir, EVAL_CONFIG, 11) };
}

/** The byte-level tokens of a text after the start token, as the engine feeds them. */
export const withStart = (text: string) => [END_OF_TEXT_ID, ...Buffer.from(text, 'utf8')];

/** ln softmax(row)[i] of every position: rows[t][i] = ln p(i | tokens[..t]). */
export function referenceLogSoftmax(weights: TensorMap, tokens: readonly number[]): number[][] {
  const V = EVAL_CONFIG.vocab_size;
  const { logits } = referenceForward(EVAL_CONFIG, weights, tokens);
  return tokens.map((_, t) => {
    const row = Array.from(logits.subarray(t * V, (t + 1) * V));
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
    return row.map((x) => x - lse);
  });
}

/** ln p(continuation | context) by the reference: the sum over the continuation's bytes. */
export function referenceLogProb(weights: TensorMap, context: string, continuation: string): number {
  const head = withStart(context);
  const all = [...head, ...Buffer.from(continuation, 'utf8')];
  const rows = referenceLogSoftmax(weights, all);
  let sum = 0;
  for (let t = head.length; t < all.length; t++) sum += rows[t - 1][all[t]];
  return sum;
}
