// Reciprocal rank fusion (Cormack, Clarke and Büttcher, 2009): a chunk's fused score is
//   RRF(d) = Σ_{rankings r} 1 / (k + rank_r(d))        (rank from 1; k = 60 in the paper)
// It uses only ranks, so BM25 scores (unbounded) and cosines (−1..1) need no common scale, and
// a chunk ranked well by both beats one ranked first by only one.

import type { ScoredId } from './bm25';

export const RRF_K = 60;

export interface FusedId {
  readonly id: string;
  readonly score: number;
  /** 1-based rank in each input ranking; undefined where the chunk was not in it. */
  readonly ranks: readonly (number | undefined)[];
}

export function reciprocalRankFusion(rankings: readonly (readonly ScoredId[])[], limit: number, k = RRF_K): FusedId[] {
  const fused = new Map<string, { score: number; ranks: (number | undefined)[] }>();
  rankings.forEach((ranking, r) => {
    ranking.forEach(({ id }, i) => {
      let entry = fused.get(id);
      if (!entry) fused.set(id, (entry = { score: 0, ranks: rankings.map(() => undefined) }));
      entry.score += 1 / (k + i + 1);
      entry.ranks[r] = i + 1;
    });
  });
  return [...fused]
    .sort((x, y) => y[1].score - x[1].score || (x[0] < y[0] ? -1 : 1))
    .slice(0, limit)
    .map(([id, { score, ranks }]) => ({ id, score, ranks }));
}
