// The logit lens reads each residual stream as if it were the last one: ln_f, then the output
// layer, gives logits for the next token at every layer (nostalgebraist, "interpreting GPT: the
// logit lens", 2020). For a table, each row of logits is cut to its few most likely tokens.

/**
 * Tokens per lens cell that the panels' inspectors keep (the inspection graph's TopK, with
 * lensTopK): the inference process sends these instead of the [T, vocab] lens of every residual
 * stream (about 10 MB for 128 tokens of a 4,096-token vocabulary). The attention panel shows the
 * best and lists the others in its tooltip.
 */
export const LENS_TOP_K = 3;

export interface TopTokens {
  readonly k: number;
  /** [rows, k] token ids, most likely first. */
  readonly ids: Int32Array;
  /** [rows, k] their softmax probabilities. */
  readonly probs: Float32Array;
}

/**
 * The `k` most likely tokens of each of `rows` rows of `vocab` logits, with their probabilities
 * p_i = exp(z_i − max z) / Σ_j exp(z_j − max z) (subtracting the max keeps exp from overflowing).
 */
export function topTokens(logits: Float32Array, rows: number, vocab: number, k: number): TopTokens {
  if (logits.length !== rows * vocab) throw new Error(`topTokens: ${logits.length} logits are not ${rows} rows of ${vocab}`);
  const kept = Math.min(k, vocab);
  const ids = new Int32Array(rows * kept);
  const probs = new Float32Array(rows * kept);
  for (let r = 0; r < rows; r++) {
    const row = logits.subarray(r * vocab, (r + 1) * vocab);
    let max = -Infinity;
    for (let i = 0; i < vocab; i++) if (row[i] > max) max = row[i];
    let sum = 0;
    for (let i = 0; i < vocab; i++) sum += Math.exp(row[i] - max);
    // Insertion into a short sorted list: k is a handful, the vocabulary is long.
    const best: number[] = [];
    for (let i = 0; i < vocab; i++) {
      if (best.length === kept && row[i] <= row[best[kept - 1]]) continue;
      let at = best.length;
      while (at > 0 && row[best[at - 1]] < row[i]) at--;
      best.splice(at, 0, i);
      if (best.length > kept) best.pop();
    }
    best.forEach((id, j) => {
      ids[r * kept + j] = id;
      probs[r * kept + j] = Math.exp(row[id] - max) / sum;
    });
  }
  return { k: kept, ids, probs };
}
