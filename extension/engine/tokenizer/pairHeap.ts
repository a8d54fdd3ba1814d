// A binary max-heap of (count, pair) entries: the BPE trainer's way to find the most frequent pair
// in O(log n) instead of scanning every pair at each merge.
//
// Counts change all the time during training. Rather than finding and moving an entry when its
// pair's count changes, the trainer pushes a new entry with the new count and leaves the old one
// in the heap ("lazy deletion"); when an entry comes to the top, the trainer compares it with the
// pair's current count and throws it away if they differ.

export interface PairEntry {
  readonly count: number;
  /** The pair, packed into one number (see bpeTrainer.ts). */
  readonly pair: number;
}

/** Higher count first; between equal counts, the smaller pair key, so that training is deterministic. */
const before = (a: PairEntry, b: PairEntry): boolean => a.count > b.count || (a.count === b.count && a.pair < b.pair);

export class PairHeap {
  private readonly entries: PairEntry[] = [];

  get size(): number {
    return this.entries.length;
  }

  push(entry: PairEntry): void {
    const h = this.entries;
    h.push(entry);
    // Sift up: swap with the parent (i - 1) >> 1 while the new entry should come before it.
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  /** Removes and returns the top entry (undefined when empty). */
  pop(): PairEntry | undefined {
    const h = this.entries;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      // Sift down: swap with the better child (2i + 1 or 2i + 2) while that child should come first.
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let best = i;
        if (left < h.length && before(h[left], h[best])) best = left;
        if (right < h.length && before(h[right], h[best])) best = right;
        if (best === i) break;
        [h[i], h[best]] = [h[best], h[i]];
        i = best;
      }
    }
    return top;
  }
}
