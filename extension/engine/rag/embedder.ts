// What dense retrieval needs from an embedding model: text in, one unit vector out. The index
// records the embedder's id, so an index built with another model (other vectors, maybe another
// size) is never searched with this one.

import { l2Normalize } from './dense';

export interface Embedder {
  /** Stored with the index: "model:<folder>" or "sentence:<folder>". */
  readonly id: string;
  /** Shown to the user, e.g. "all-MiniLM-L6-v2 (sentence embeddings)". */
  readonly label: string;
  /** Said next to the label: how far to trust it. */
  readonly caveat: string;
  readonly dimensions: number;
  /** Tokens it reads at most; longer texts are embedded from their first part. */
  readonly maxTokens: number;
  /** `signal`: as LanguageModel.forward's. */
  embed(text: string, signal?: AbortSignal): Promise<Float32Array>;
  release(): Promise<void>;
}

/**
 * Mean pooling: the average of the rows [T, width] whose mask is 1, then L2-normalized,
 *   e = normalize(Σ_t m_t·h_t / Σ_t m_t)
 * Without a mask every row counts.
 */
export function meanPool(rows: Float32Array, width: number, mask?: ArrayLike<number>): Float32Array {
  const count = rows.length / width;
  const out = new Float32Array(width);
  let weight = 0;
  for (let t = 0; t < count; t++) {
    if (mask && !Number(mask[t])) continue;
    weight++;
    for (let i = 0; i < width; i++) out[i] += rows[t * width + i];
  }
  if (weight > 0) for (let i = 0; i < width; i++) out[i] /= weight;
  return l2Normalize(out);
}
