// Splits a file into chunks of at most `size` tokens, in three passes:
//   1. sections from the file's structure (sections.ts);
//   2. neighbouring sections are merged while they fit in one chunk, so small sections do not
//      become tiny chunks;
//   3. a section longer than `size` is cut into windows of at most `size` tokens. A window ends
//      after the last sentence or line in its second half, when there is one, and the next starts
//      `overlap` tokens back, moved on to the first sentence start there: a sentence cut at one
//      window's end is whole in the next, and most windows begin and end with whole sentences.
// The file is tokenized once; a chunk is a range of its tokens, and its text is the file text
// those tokens cover. Token counts are those of the file's tokenization (a chunk encoded on its
// own can differ by a token at each end, where a word was split across the boundary).

import type { TextTokenizer, TokenSpan } from '../tokenizer/types';
import { findSections, type FileKind } from './sections';

export interface ChunkSettings {
  /** Largest chunk, in tokens. */
  readonly size: number;
  /** Tokens shared by consecutive windows of one long section. */
  readonly overlap: number;
}

export interface TextChunk {
  /** UTF-16 offsets in the file, [start, end). */
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly tokenCount: number;
  /** The section title it starts in (a heading or declaration), '' when there is none. */
  readonly title: string;
}

/** The smallest chunk, in tokens. */
export const MIN_CHUNK_SIZE = 8;

export function checkChunkSettings(settings: ChunkSettings): void {
  const { size, overlap } = settings;
  if (!Number.isInteger(size) || size < MIN_CHUNK_SIZE) throw new Error(`chunk size must be a whole number of tokens, at least ${MIN_CHUNK_SIZE} (got ${size})`);
  if (!Number.isInteger(overlap) || overlap < 0 || overlap >= size / 2) {
    throw new Error(`chunk overlap must be a whole number from 0 to less than half the chunk size (got ${overlap} for size ${size})`);
  }
}

/** How much of a context window one prompt gives to what: the answer's room and the number of sources. */
export interface PromptShape {
  readonly contextLength: number;
  readonly answerTokens: number;
  readonly sources: number;
}

/**
 * Chunk settings whose chunks fit the model that reads them: `sources` chunks plus one share for
 * the instruction and the question fill what the answer leaves, size <= (context - answer) / (sources + 1).
 * A larger size is lowered (with the overlap, kept under a quarter of it); a smaller one is kept.
 * Each source's citation label takes a few tokens more, so the lowest-ranked may still not fit.
 */
export function fitChunkToWindow(settings: ChunkSettings, prompt: PromptShape): ChunkSettings {
  const fitting = Math.max(MIN_CHUNK_SIZE, Math.floor((prompt.contextLength - prompt.answerTokens) / (prompt.sources + 1)));
  if (settings.size <= fitting) return settings;
  return { size: fitting, overlap: Math.min(settings.overlap, Math.floor(fitting / 4)) };
}

interface TokenRange {
  readonly first: number;
  /** One past the last token. */
  readonly last: number;
  readonly title: string;
}

export function chunkText(text: string, kind: FileKind, tokenizer: TextTokenizer, settings: ChunkSettings): TextChunk[] {
  checkChunkSettings(settings);
  const spans = tokenizer.encode(text).filter((s) => s.end > s.start);
  if (spans.length === 0) return [];
  const ranges = windows(merge(sectionRanges(text, kind, spans), settings.size), settings, sentenceEnds(text, spans));
  return ranges.map(({ first, last, title }) => {
    const start = spans[first].start;
    const end = spans[last - 1].end;
    return { start, end, text: text.slice(start, end), tokenCount: last - first, title };
  });
}

/** Each section as the range of tokens that start inside it. */
function sectionRanges(text: string, kind: FileKind, spans: readonly TokenSpan[]): TokenRange[] {
  const sections = findSections(text, kind);
  const ranges: TokenRange[] = [];
  let token = 0;
  sections.forEach((section, i) => {
    const end = sections[i + 1]?.start ?? Infinity;
    const first = token;
    while (token < spans.length && spans[token].start < end) token++;
    if (token > first) ranges.push({ first, last: token, title: section.title });
  });
  return ranges;
}

/** Joins consecutive sections while the joined range stays within `size` tokens. */
function merge(ranges: readonly TokenRange[], size: number): TokenRange[] {
  const merged: TokenRange[] = [];
  for (const range of ranges) {
    const previous = merged[merged.length - 1];
    if (previous && range.last - previous.first <= size) merged[merged.length - 1] = { ...previous, last: range.last };
    else merged.push(range);
  }
  return merged;
}

/** ends[i]: token i ends a sentence (., ! or ?, then closing quotes or brackets) or a line. */
function sentenceEnds(text: string, spans: readonly TokenSpan[]): boolean[] {
  const pieces = spans.map((s) => text.slice(s.start, s.end));
  return pieces.map((piece, i) => /([.!?]["'\u2019\u201d)\]]*|\n)\s*$/.test(piece) || (pieces[i + 1]?.startsWith('\n') ?? false));
}

/** Cuts ranges longer than `size` into overlapping windows, at sentence ends where it can. */
function windows(ranges: readonly TokenRange[], { size, overlap }: ChunkSettings, ends: readonly boolean[]): TokenRange[] {
  const out: TokenRange[] = [];
  for (const range of ranges) {
    let first = range.first;
    for (;;) {
      let last = Math.min(first + size, range.last);
      if (last < range.last) {
        // The last sentence end in the window's second half, if any: token t - 1 ends it.
        let t = last;
        while (t > first + size / 2 && !ends[t - 1]) t--;
        if (t > first + size / 2) last = t;
      }
      out.push({ first, last, title: range.title });
      if (last === range.last) break;
      // `overlap` tokens back, then on to the first sentence start; with none there, the plain
      // overlap, unless the window ended on a sentence end and so cut nothing.
      const back = Math.max(first + 1, last - overlap);
      let next = back;
      while (next < last && !ends[next - 1]) next++;
      first = next === last && !ends[last - 1] ? back : next;
    }
  }
  return out;
}
