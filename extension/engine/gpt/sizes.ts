// How big a GPT-2 is and how much arithmetic it does: parameters, FLOPs per token, KV-cache bytes.
// FLOPs count a multiply-add as 2, as in Kaplan et al. 2020 ("Scaling Laws for Neural Language
// Models", Table 1); LayerNorm, GELU, Softmax and additions are left out, as there.
import type { GPTConfig } from './config';
import { gpt2Parameters, WPE, WTE } from './parameters';

export interface ParameterCount {
  /** Every stored number; the output layer is tied to wte, so it adds none. */
  readonly total: number;
  /** Without the token and position embeddings: the N of the scaling laws. */
  readonly nonEmbedding: number;
  readonly embedding: number;
}

export function parameterCount(config: GPTConfig): ParameterCount {
  let total = 0;
  let embedding = 0;
  for (const spec of gpt2Parameters(config)) {
    const n = spec.dims.reduce((a, b) => a * b, 1);
    total += n;
    if (spec.name === WTE || spec.name === WPE) embedding += n;
  }
  return { total, nonEmbedding: total - embedding, embedding };
}

export interface ForwardFlops {
  /** q, k, v projections: 2·n_layer·C·3C */
  readonly qkv: number;
  /** q·kᵀ and probabilities·v over `context` keys: 2·n_layer·context·C each */
  readonly attention: number;
  /** attention output projection: 2·n_layer·C·C */
  readonly projection: number;
  /** MLP up and down: 2·n_layer·2·C·4C */
  readonly mlp: number;
  /** logits: 2·C·vocab */
  readonly logits: number;
  readonly total: number;
}

/**
 * FLOPs of the forward pass for one token that attends to `context` keys (itself and the tokens
 * before it). Averaged over a training sequence of length T, context is (T + 1)/2.
 */
export function forwardFlopsPerToken(config: GPTConfig, context: number): ForwardFlops {
  const C = config.n_embd;
  const L = config.n_layer;
  const qkv = 2 * L * C * 3 * C;
  const attention = 2 * (2 * L * context * C);
  const projection = 2 * L * C * C;
  const mlp = 2 * L * 2 * C * 4 * C;
  const logits = 2 * C * config.vocab_size;
  return { qkv, attention, projection, mlp, logits, total: qkv + attention + projection + mlp + logits };
}

/** Training does the forward pass and a backward pass that costs about twice as much: 3× forward. */
export function trainingFlopsPerToken(config: GPTConfig, context: number): number {
  return 3 * forwardFlopsPerToken(config, context).total;
}

/** Bytes of keys and values the cache holds for `tokens` tokens: 2·n_layer·tokens·C values. */
export function kvCacheBytes(config: GPTConfig, tokens: number, bytesPerValue = 4): number {
  return 2 * config.n_layer * tokens * config.n_embd * bytesPerValue;
}
