// Sparse retrieval: Okapi BM25 over an inverted index that can add and remove documents one at a
// time (an edited file replaces only its own chunks). For a query q and document d:
//   score(d, q) = Σ_{t ∈ q} idf(t) · tf(t,d)·(k1 + 1) / (tf(t,d) + k1·(1 − b + b·|d| / avgdl))
//   idf(t)      = ln(1 + (N − df(t) + 0.5) / (df(t) + 0.5))        (Lucene's idf, never negative)
// tf is the raw count of t in d, |d| the document's length in terms, avgdl the mean length, N
// the number of documents and df(t) how many contain t.
//
// Written here rather than taken from @orama/orama 3.1.18: Orama's "BM25" divides tf by the
// document length before the formula, counts each distinct word once and adds BM25+'s delta, so
// its scores are not the ones above (test/unit/ragBm25.test.ts shows the difference).

export interface Bm25Parameters {
  readonly k1: number;
  readonly b: number;
}

export const DEFAULT_BM25: Bm25Parameters = { k1: 1.2, b: 0.75 };

/** Lowercased runs of letters and digits: "Don't panic!" -> don, t, panic. No stemming, no stop words. */
export function bm25Terms(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

export interface ScoredId {
  readonly id: string;
  readonly score: number;
}

export class Bm25Index {
  /** term -> (document id -> count of the term in it) */
  private readonly postings = new Map<string, Map<string, number>>();
  private readonly lengths = new Map<string, number>();
  /** document id -> its distinct terms, so removing it touches only its own postings */
  private readonly termsOf = new Map<string, string[]>();
  private totalLength = 0;

  constructor(readonly parameters: Bm25Parameters = DEFAULT_BM25) {}

  get size(): number {
    return this.lengths.size;
  }

  add(id: string, text: string): void {
    if (this.lengths.has(id)) this.remove(id);
    const terms = bm25Terms(text);
    const counts = new Map<string, number>();
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    for (const [term, count] of counts) {
      let posting = this.postings.get(term);
      if (!posting) this.postings.set(term, (posting = new Map()));
      posting.set(id, count);
    }
    this.lengths.set(id, terms.length);
    this.termsOf.set(id, [...counts.keys()]);
    this.totalLength += terms.length;
  }

  remove(id: string): void {
    const length = this.lengths.get(id);
    if (length === undefined) return;
    for (const term of this.termsOf.get(id) ?? []) {
      const posting = this.postings.get(term);
      if (posting?.delete(id) && posting.size === 0) this.postings.delete(term);
    }
    this.lengths.delete(id);
    this.termsOf.delete(id);
    this.totalLength -= length;
  }

  /** idf(t) as above; 0 for a term no document holds. */
  idf(term: string): number {
    const df = this.postings.get(term)?.size ?? 0;
    if (df === 0) return 0;
    return Math.log(1 + (this.size - df + 0.5) / (df + 0.5));
  }

  /** The `limit` best documents with a score above 0, best first (ties by id). */
  search(query: string, limit: number): ScoredId[] {
    const { k1, b } = this.parameters;
    const averageLength = this.totalLength / Math.max(1, this.size);
    const scores = new Map<string, number>();
    // A term repeated in the query counts once per occurrence, as in the sum over q.
    for (const term of bm25Terms(query)) {
      const posting = this.postings.get(term);
      if (!posting) continue;
      const idf = this.idf(term);
      for (const [id, tf] of posting) {
        const norm = 1 - b + (b * (this.lengths.get(id) ?? 0)) / averageLength;
        scores.set(id, (scores.get(id) ?? 0) + (idf * tf * (k1 + 1)) / (tf + k1 * norm));
      }
    }
    return topScores(scores, limit);
  }
}

/**
 * The `limit` highest entries, best first; equal scores in id order so results are repeatable.
 * A bounded insertion into the short list of winners: most of 10,000 chunks are rejected by one
 * comparison with the last winner, where sorting them all took most of a query's time.
 */
export function topScores(scores: Iterable<[string, number]>, limit: number): ScoredId[] {
  const top: ScoredId[] = [];
  const before = (a: ScoredId, b: ScoredId) => a.score > b.score || (a.score === b.score && a.id < b.id);
  for (const [id, score] of scores) {
    const entry = { id, score };
    if (top.length === limit && !before(entry, top[top.length - 1])) continue;
    let at = top.length;
    while (at > 0 && before(entry, top[at - 1])) at--;
    top.splice(at, 0, entry);
    if (top.length > limit) top.pop();
  }
  return top;
}
