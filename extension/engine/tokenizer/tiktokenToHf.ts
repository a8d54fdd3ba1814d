// Turns an OpenAI tiktoken encoding (as js-tiktoken ships it) into a Hugging Face tokenizer.json,
// so that one library, @huggingface/tokenizers, runs every tokenizer the extension shows.
//
// tiktoken stores only "mergeable ranks": every token's bytes with its rank (= its id). It encodes
// a piece by repeatedly joining the adjacent pair whose concatenation has the lowest rank. A
// tokenizer.json BPE instead lists merges, pairs (left, right) in priority order. The two agree if
// each token T gets the one merge that builds it: run tiktoken's own procedure on T's bytes using
// only ranks below rank(T). It stops at exactly two parts when T is reachable, and those two parts
// are T's merge. (Inside any piece, the merges that build a part happen in the same order as when
// that part is encoded alone, so T is always built from that same pair.) Tokens that never come out
// of merges are still found whole: tiktoken looks a piece up in the vocabulary before merging, and
// `ignore_merges: true` makes the BPE model do the same.

import { bytesToVocabString } from './byteLevel';
import { byteLevelBpeTokenizerJson } from './byteLevelTokenizerJson';

/** A tiktoken encoding in js-tiktoken's format (the default export of js-tiktoken/ranks/<name>). */
export interface TiktokenRanks {
  /** The pre-tokenization regex. */
  readonly pat_str: string;
  readonly special_tokens: Readonly<Record<string, number>>;
  /** Lines "<tag> <first rank> <base64 token> <base64 token> ...", ranks counting up from the first. */
  readonly bpe_ranks: string;
}

/** Every mergeable token as a byte-level vocabulary string, indexed by rank (holes where a rank is unused). */
export function parseRanks(bpeRanks: string): string[] {
  const byRank: string[] = [];
  for (const line of bpeRanks.split('\n')) {
    if (line === '') continue;
    const fields = line.split(' ');
    const first = Number.parseInt(fields[1], 10);
    for (let i = 2; i < fields.length; i++) byRank[first + i - 2] = bytesToVocabString(Buffer.from(fields[i], 'base64'));
  }
  return byRank;
}

/**
 * The two parts tiktoken joins last when it encodes `token` alone, using ranks below `rank` only;
 * undefined when those merges cannot build it (then the token is only ever found whole).
 */
function lastMerge(token: string, rank: number, rankOf: ReadonlyMap<string, number>): [string, string] | undefined {
  const parts = Array.from(token);
  // pairRanks[i] is the rank of parts[i] + parts[i + 1] (Infinity when that is not a usable token);
  // a merge changes only the two pairs around it, so only those are looked up again.
  const usable = (i: number): number => {
    const r = rankOf.get(parts[i] + parts[i + 1]);
    return r !== undefined && r < rank ? r : Infinity;
  };
  const pairRanks = parts.slice(1).map((_, i) => usable(i));
  for (;;) {
    let best = -1;
    for (let i = 0; i < pairRanks.length; i++) if (pairRanks[i] < (best < 0 ? Infinity : pairRanks[best])) best = i;
    if (best < 0) break;
    parts.splice(best, 2, parts[best] + parts[best + 1]);
    pairRanks.splice(best, 1);
    if (best > 0) pairRanks[best - 1] = usable(best - 1);
    if (best < pairRanks.length) pairRanks[best] = usable(best);
  }
  return parts.length === 2 ? [parts[0], parts[1]] : undefined;
}

/** Merges in rank order, one per token that merges can build. */
export function mergesFromRanks(byRank: readonly string[]): Array<[string, string]> {
  const rankOf = new Map<string, number>();
  byRank.forEach((token, rank) => rankOf.set(token, rank));
  const merges: Array<[string, string]> = [];
  byRank.forEach((token, rank) => {
    if (token.length < 2) return;
    const merge = lastMerge(token, rank, rankOf);
    if (merge) merges.push(merge);
  });
  return merges;
}

/** A complete tokenizer.json object for the encoding. */
export function tiktokenToTokenizerJson(ranks: TiktokenRanks): Record<string, unknown> {
  const byRank = parseRanks(ranks.bpe_ranks);
  const vocab: Record<string, number> = {};
  byRank.forEach((token, rank) => (vocab[token] = rank));
  return byteLevelBpeTokenizerJson({
    specialTokens: Object.entries(ranks.special_tokens)
      .sort((a, b) => a[1] - b[1])
      .map(([content, id]) => ({ id, content })),
    splitPattern: ranks.pat_str,
    vocab,
    merges: mergesFromRanks(byRank),
    // tiktoken looks each piece up whole before merging.
    ignoreMerges: true,
  });
}
