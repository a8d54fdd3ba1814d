// The one interface the generation code (samplers, beam search, streaming) needs from a
// causal language model, whatever runs it: our own GPT graphs or a foreign ONNX folder.

/** Keys and values of every layer for the tokens seen so far. Immutable: forward() returns a new one. */
export interface KVCache {
  /** Number of tokens held. */
  readonly length: number;
  /** Bytes of keys and values held, all layers. */
  readonly bytes: number;
}

export interface ForwardResult {
  /** Logits of the next token after the last input token, length vocabSize. */
  readonly logits: Float32Array;
  /** The cache extended by the input tokens. */
  readonly cache: KVCache;
}

export interface LanguageModel {
  readonly vocabSize: number;
  /** Longest sequence the model accepts (n_positions). */
  readonly contextLength: number;
  /**
   * Runs `tokens` after the tokens already in `cache` (none when undefined). A model run in
   * another process drops the request when `signal` aborts (it rejects with an AbortError).
   */
  forward(tokens: readonly number[], cache?: KVCache, signal?: AbortSignal): Promise<ForwardResult>;
}
