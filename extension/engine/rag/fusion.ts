// Reciprocal rank fusion (Cormack, Clarke and Büttcher, 2009): a chunk's fused score is
//   RRF(d) = Σ_{rankings r} w_r / (k + rank_r(d))        (rank from 1; k = 60 in the paper; w_r = 1)
// It uses only ranks, so BM25 scores (unbounded) and cosines (−1..1) need no common scale, and
// a chunk ranked well by both beats one ranked first by only one. A weight w_r below 1 lets a
// weak ranking break ties without outvoting a strong one (answerRanking.ts chooses the weights).

import type { ScoredId } from './bm25';

export const RRF_K = 60;

export interface FusedId {
  readonly id: string;
  readonly score: number;
  /** 1-based rank in each input ranking; undefined where the chunk was not in it. */
  readonly ranks: readonly (number | undefined)[];
}

export function reciprocalRankFusion(rankings: readonly (readonly ScoredId[])[], limit: number, k = RRF_K, weights: readonly number[] = rankings.map(() => 1)): FusedId[] {
  const fused = new Map<string, { score: number; ranks: (number | undefined)[] }>();
  rankings.forEach((ranking, r) => {
    ranking.forEach(({ id }, i) => {
      let entry = fused.get(id);
      if (!entry) fused.set(id, (entry = { score: 0, ranks: rankings.map(() => undefined) }));
      entry.score += weights[r] / (k + i + 1);
      entry.ranks[r] = i + 1;
    });
  });
  return [...fused]
    .sort((x, y) => y[1].score - x[1].score || (x[0] < y[0] ? -1 : 1))
    .slice(0, limit)
    .map(([id, { score, ranks }]) => ({ id, score, ranks }));
}
