// How well a ranking finds the text that answers a question, scored per file: a question counts
// as answered at rank r when the r-th chunk comes from the file that answers it.
//   recall@k = (questions whose file appears among the first k chunks) / questions
//   MRR      = mean over questions of 1 / (rank of the first chunk from the right file)
// (0 for a question whose file is not in the ranking at all). recall@1 is what a prompt with one
// source gets right; MRR also rewards a right file at rank 2 over one at rank 9.

export interface RankingScores {
  readonly questions: number;
  readonly recallAt1: number;
  readonly recallAt5: number;
  readonly mrr: number;
}

/** 1-based rank of the first entry of `files` that is `relevant`, or undefined when none is. */
export function firstRelevantRank(files: readonly string[], relevant: string): number | undefined {
  const i = files.indexOf(relevant);
  return i < 0 ? undefined : i + 1;
}

/** Scores from the rank of the right file for each question (undefined: not found). */
export function scoreRanks(ranks: readonly (number | undefined)[]): RankingScores {
  const n = ranks.length;
  if (n === 0) return { questions: 0, recallAt1: 0, recallAt5: 0, mrr: 0 };
  const within = (k: number) => ranks.filter((r) => r !== undefined && r <= k).length / n;
  const mrr = ranks.reduce((sum: number, r) => sum + (r === undefined ? 0 : 1 / r), 0) / n;
  return { questions: n, recallAt1: within(1), recallAt5: within(5), mrr };
}
