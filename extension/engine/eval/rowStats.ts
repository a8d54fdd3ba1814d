// What one row of logits says about the token that actually came next:
//   p(x) = e^{z_x} / Σ_j e^{z_j}     its probability (the softmax of the row)
//   rank = 1 + #{j : z_j > z_x}      1 when it was the model's first choice
// and the model's top alternatives, for a hover that shows what it expected instead.

import { logSumExp } from '../runtime/scoreTokens';

export interface Alternative {
  readonly id: number;
  readonly probability: number;
}

export interface RowStats {
  /** −ln p(actual), nats. */
  readonly nats: number;
  readonly probability: number;
  readonly rank: number;
  /** The `topN` likeliest tokens, likeliest first (ties by id). */
  readonly top: readonly Alternative[];
}

export function rowStats(row: Float32Array, actual: number, topN: number): RowStats {
  const lse = logSumExp(row);
  const z = row[actual];
  let above = 0;
  // A short sorted list of winners: most of the vocabulary is rejected by one comparison.
  const best: number[] = [];
  const better = (a: number, b: number) => row[a] > row[b] || (row[a] === row[b] && a < b);
  for (let j = 0; j < row.length; j++) {
    if (row[j] > z) above++;
    if (best.length === topN && !better(j, best[topN - 1])) continue;
    let at = best.length;
    while (at > 0 && better(j, best[at - 1])) at--;
    best.splice(at, 0, j);
    if (best.length > topN) best.pop();
  }
  const nats = lse - z;
  return { nats, probability: Math.exp(-nats), rank: above + 1, top: best.map((id) => ({ id, probability: Math.exp(row[id] - lse) })) };
}
