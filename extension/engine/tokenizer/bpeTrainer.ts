// Training a byte-level BPE vocabulary (Sennrich et al. 2016, "Neural Machine Translation of Rare
// Words with Subword Units"; byte-level as in GPT-2, Radford et al. 2019).
//
// The vocabulary starts as the 256 bytes, so any text can be encoded. Then, over and over: find
// the pair of adjacent tokens that occurs most often in the corpus, make it a new token, and
// replace it everywhere. Each new token is a merge rule; the rules in the order they were learned
// are the tokenizer (bpeMerge.ts applies them). Training stops when the vocabulary is full.
//
// Done naively, every merge rescans the corpus: too slow. Three ideas make it fast:
//  1. Pre-tokenize first (gpt2PreTokenizer.ts). Merges never cross pieces, so the corpus is just
//     its distinct pieces ("words") with their counts: 4 MB of TinyStories has about a million
//     pieces but only tens of thousands of distinct ones.
//  2. Keep the count of every adjacent pair, and which words contain it. A merge of (a, b) only
//     changes the words that contain a b, so only their pair counts are updated.
//  3. Keep pairs in a max-heap by count (pairHeap.ts), to find the most frequent in O(log n).
//
// Special tokens (<|endoftext|>) are cut out of the text before pre-tokenization, so no merge
// spans them; they get their own ids after the learned tokens, as in GPT-2.

import { gpt2Pieces, splitAtSpecialTokens } from './gpt2PreTokenizer';
import { PairHeap } from './pairHeap';

export interface BpeTrainingOptions {
  /** Size of the finished vocabulary: 256 bytes + learned tokens + special tokens. */
  readonly vocabSize: number;
  /** Tokens kept whole and never merged, e.g. ["<|endoftext|>"]; they take the last ids. */
  readonly specialTokens?: readonly string[];
  /** Called now and then with the merges learned so far and the merges wanted. */
  readonly onProgress?: (merges: number, wanted: number) => void;
  readonly signal?: AbortSignal;
}

export interface LearnedMerge {
  readonly left: number;
  readonly right: number;
  /** The id of the token the merge makes. */
  readonly id: number;
}

export interface TrainedBpe {
  /** The bytes each id stands for: ids 0..255 are the single bytes, then the learned tokens. */
  readonly tokens: readonly Uint8Array[];
  /** The merges in the order they were learned: their rank is their index. */
  readonly merges: readonly LearnedMerge[];
  readonly specialTokens: ReadonlyArray<{ readonly content: string; readonly id: number }>;
  /** Distinct pre-tokenized pieces in the corpus, and pieces in all. */
  readonly distinctPieces: number;
  readonly totalPieces: number;
}

/** Counts of each distinct pre-tokenized piece, gathered one text at a time. */
export class PieceCounter {
  readonly counts = new Map<string, number>();
  total = 0;

  constructor(private readonly specialTokens: readonly string[]) {}

  add(text: string): void {
    for (const part of splitAtSpecialTokens(text, this.specialTokens)) {
      if (part.special) continue;
      for (const piece of gpt2Pieces(part.text)) {
        this.counts.set(piece, (this.counts.get(piece) ?? 0) + 1);
        this.total++;
      }
    }
  }
}

/** A pair (a, b) of token ids as one number, usable as a Map key: a * 2^21 + b. */
const PAIR_BASE = 2 ** 21;
const pairKey = (a: number, b: number): number => a * PAIR_BASE + b;
const pairLeft = (key: number): number => Math.floor(key / PAIR_BASE);
const pairRight = (key: number): number => key % PAIR_BASE;

/** Learns merges from counted pieces until the vocabulary has `options.vocabSize` tokens or no pair is left. */
export function trainBpe(pieces: PieceCounter, options: BpeTrainingOptions): TrainedBpe {
  const specials = [...new Set(options.specialTokens ?? [])];
  const wanted = options.vocabSize - 256 - specials.length;
  if (!Number.isInteger(options.vocabSize) || wanted < 0) throw new Error(`vocabulary size ${options.vocabSize} is too small: it needs 256 byte tokens + ${specials.length} special tokens at least`);
  if (options.vocabSize > PAIR_BASE) throw new Error(`vocabulary size ${options.vocabSize} is too large (at most ${PAIR_BASE})`);

  // Each distinct piece becomes a word: the list of its token ids (at first, its UTF-8 bytes).
  const utf8 = new TextEncoder();
  const words: number[][] = [];
  const wordCounts: number[] = [];
  for (const [piece, count] of pieces.counts) {
    words.push(Array.from(utf8.encode(piece)));
    wordCounts.push(count);
  }

  // pairCounts: how often each adjacent pair occurs in the corpus; wordsWith: the words holding it.
  const pairCounts = new Map<number, number>();
  const wordsWith = new Map<number, Set<number>>();
  words.forEach((word, w) => {
    for (let i = 0; i + 1 < word.length; i++) {
      const key = pairKey(word[i], word[i + 1]);
      pairCounts.set(key, (pairCounts.get(key) ?? 0) + wordCounts[w]);
      let holders = wordsWith.get(key);
      if (!holders) wordsWith.set(key, (holders = new Set()));
      holders.add(w);
    }
  });
  const heap = new PairHeap();
  for (const [pair, count] of pairCounts) heap.push({ count, pair });

  const tokens: Uint8Array[] = Array.from({ length: 256 }, (_, b) => Uint8Array.of(b));
  const idOfBytes = new Map<string, number>(tokens.map((t, id) => [t.join(), id]));
  const merges: LearnedMerge[] = [];

  while (tokens.length < 256 + wanted) {
    if (options.signal?.aborted) throw new Error('tokenizer training was cancelled');
    // The most frequent pair; entries whose count is out of date are skipped (see pairHeap.ts).
    const top = heap.pop();
    if (!top) break;
    if (pairCounts.get(top.pair) !== top.count || top.count === 0) continue;
    const a = pairLeft(top.pair);
    const b = pairRight(top.pair);

    // The new token is the two tokens' bytes joined. In rare cases another pair already made the
    // same bytes; then the merge is recorded but reuses that token's id.
    const bytes = new Uint8Array(tokens[a].length + tokens[b].length);
    bytes.set(tokens[a]);
    bytes.set(tokens[b], tokens[a].length);
    let id = idOfBytes.get(bytes.join());
    if (id === undefined) {
      id = tokens.length;
      tokens.push(bytes);
      idOfBytes.set(bytes.join(), id);
    }
    merges.push({ left: a, right: b, id });

    // Replace a b by the new token in every word that holds the pair. The change in pair counts
    // is found per word: take away all its pairs before the merge, add all its pairs after it.
    // Pairs away from the merged spots cancel out; only those around them change.
    const changes = new Map<number, number>();
    const change = (key: number, by: number): void => {
      changes.set(key, (changes.get(key) ?? 0) + by);
    };
    for (const w of wordsWith.get(top.pair) ?? []) {
      const word = words[w];
      const count = wordCounts[w];
      const merged: number[] = [];
      for (let i = 0; i < word.length; i++) {
        if (i + 1 < word.length && word[i] === a && word[i + 1] === b) {
          merged.push(id);
          i++;
        } else {
          merged.push(word[i]);
        }
      }
      if (merged.length === word.length) continue; // the word lost this pair in an earlier merge
      for (let i = 0; i + 1 < word.length; i++) change(pairKey(word[i], word[i + 1]), -count);
      for (let i = 0; i + 1 < merged.length; i++) {
        const key = pairKey(merged[i], merged[i + 1]);
        change(key, count);
        let holders = wordsWith.get(key);
        if (!holders) wordsWith.set(key, (holders = new Set()));
        holders.add(w);
      }
      words[w] = merged;
    }
    for (const [key, by] of changes) {
      if (by === 0) continue;
      const count = (pairCounts.get(key) ?? 0) + by;
      pairCounts.set(key, count);
      if (count > 0) heap.push({ count, pair: key });
    }
    wordsWith.delete(top.pair);
    pairCounts.delete(top.pair);
    if (merges.length % 256 === 0) options.onProgress?.(merges.length, wanted);
  }
  options.onProgress?.(merges.length, wanted);

  return {
    tokens,
    merges,
    specialTokens: specials.map((content, i) => ({ content, id: tokens.length + i })),
    distinctPieces: words.length,
    totalPieces: pieces.total,
  };
}
