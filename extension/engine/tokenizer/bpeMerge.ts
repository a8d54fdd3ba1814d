// Applying byte-pair merges to one word: the heart of every BPE encoder.
//
// The word starts as a list of symbols (bytes, or characters). The tokenizer's merges are ranked:
// merge 0 was learned first, from the most frequent pair in the training text. At each step, among
// all adjacent pairs that have a merge, join the pair whose merge has the lowest rank (the leftmost
// one when the same pair occurs twice). Stop when no adjacent pair has a merge. This replays, in
// training order, the merges that apply to this word, so it gives the same tokens the training
// text was cut into.
//
// It costs O(n²) for a word of n symbols, which is fine for one pre-tokenized piece (a few dozen
// bytes). Production encoders keep the pairs in a priority queue to reach O(n log n).

/** What merging two adjacent symbols gives: the merge's rank and the new symbol. */
export interface Merge<S> {
  readonly rank: number;
  readonly merged: S;
}

export interface MergeStep<S> {
  readonly rank: number;
  /** Index of the new symbol in `symbols`, which was the left one of the pair. */
  readonly position: number;
  readonly left: S;
  readonly right: S;
  /** The whole word after this merge. */
  readonly symbols: readonly S[];
}

/**
 * Merges `symbols` until no adjacent pair has a merge. `mergeOf(left, right)` returns the pair's
 * merge, or undefined when there is none. `onStep` sees every merge in order.
 */
export function mergeByRank<S>(symbols: readonly S[], mergeOf: (left: S, right: S) => Merge<S> | undefined, onStep?: (step: MergeStep<S>) => void): S[] {
  const word = [...symbols];
  for (;;) {
    let best: Merge<S> | undefined;
    let bestAt = -1;
    for (let i = 0; i + 1 < word.length; i++) {
      const merge = mergeOf(word[i], word[i + 1]);
      if (merge && (!best || merge.rank < best.rank)) {
        best = merge;
        bestAt = i;
      }
    }
    if (!best) return word;
    const left = word[bestAt];
    const right = word[bestAt + 1];
    word.splice(bestAt, 2, best.merged);
    onStep?.({ rank: best.rank, position: bestAt, left, right, symbols: [...word] });
  }
}
