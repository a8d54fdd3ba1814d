// What the engine's runners (generation, evaluation, the inference process, the API server) need
// from an opened model, whichever decode graph runs it: onnxCausalLM.ts (any graph in the Optimum
// layout) or appendCacheCausalLM.ts (the runtime's own graph for a GPT-2 built from its weights).

import type { KVCache, LanguageModel } from '../model/languageModel';

export interface SequenceLogits {
  /** One row of vocabSize logits per token passed in, row-major. */
  readonly logits: Float32Array;
  readonly cache: KVCache;
}

export interface CausalLM extends LanguageModel {
  /** Names the graph in messages, e.g. "onnx/model.onnx". */
  readonly shownAs: string;
  /** False when the graph has no cache, so each step recomputes the whole sequence. */
  readonly hasKVCache: boolean;
  /** Like forward(), with the logits of every new token: what evaluation scores. */
  forwardAll(tokens: readonly number[], cache?: KVCache): Promise<SequenceLogits>;
  release(): Promise<void>;
}

/** The last position's logits. One row is returned as is; a longer run's row is copied so the rest can be freed. */
export function lastRow(logits: Float32Array, rows: number, vocab: number): Float32Array {
  return rows === 1 ? logits : logits.slice((rows - 1) * vocab, rows * vocab);
}
