// Tokens from the most to the least probable. Sorting all 50,000 logits of a GPT-2 vocabulary
// would take milliseconds per token, yet top-k, top-p and the candidate list only need the first
// few tokens of that order. A binary max-heap built over all indices in O(V) gives each next token
// in O(log V); the first few (the sampling trace's 20) come faster from one pass that keeps them.

/** a ranks before b: larger value first, lower index first on a tie. */
function before(values: ArrayLike<number>, a: number, b: number): boolean {
  return values[a] > values[b] || (values[a] === values[b] && a < b);
}

/** Yields the indices of `values` largest first (ties: lower index first); NaN values are skipped. */
export function* descendingOrder(values: ArrayLike<number>): Generator<number, void, void> {
  const heap = new Int32Array(values.length);
  let size = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) heap[size++] = i;

  // Move the entry at `at` down until both children rank after it.
  const siftDown = (at: number) => {
    for (;;) {
      const left = 2 * at + 1;
      const right = left + 1;
      let first = at;
      if (left < size && before(values, heap[left], heap[first])) first = left;
      if (right < size && before(values, heap[right], heap[first])) first = right;
      if (first === at) return;
      const moved = heap[at];
      heap[at] = heap[first];
      heap[first] = moved;
      at = first;
    }
  };

  for (let at = (size >> 1) - 1; at >= 0; at--) siftDown(at);
  while (size > 0) {
    const top = heap[0];
    heap[0] = heap[--size];
    siftDown(0);
    yield top;
  }
}

/** Above this many, topIndices pops the heap: each insertion into the kept list costs up to n moves. */
const ONE_PASS_LIMIT = 64;

/**
 * Indices of the `n` largest values, largest first (ties: lower index first); NaN values are
 * skipped. For small n, one pass keeps the best n seen so far in order: a value that does not
 * beat the n-th best costs one comparison, so this is O(V) with no heap over all V indices.
 */
export function topIndices(values: ArrayLike<number>, n: number): number[] {
  const best: number[] = [];
  if (n <= 0) return best;
  if (n > ONE_PASS_LIMIT) {
    for (const index of descendingOrder(values)) {
      best.push(index);
      if (best.length === n) break;
    }
    return best;
  }
  // The n-th best value so far: once n are kept, anything not above it is passed over at once.
  let floor = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (Number.isNaN(value)) continue;
    // Scanning in index order, a tie never displaces an earlier index: only a larger value does.
    if (best.length === n && !(value > floor)) continue;
    let at = best.length === n ? n - 1 : best.length;
    while (at > 0 && value > values[best[at - 1]]) {
      best[at] = best[at - 1];
      at--;
    }
    best[at] = i;
    if (best.length === n) floor = values[best[n - 1]];
  }
  return best;
}
