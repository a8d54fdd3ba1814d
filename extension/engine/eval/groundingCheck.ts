// Which words of an answer its sources do not support. The method is lexical:
//   1. the answer's words are the lowercased runs of letters and digits (as BM25 reads text);
//   2. function words ("the", "was", "and") are left out: they support nothing either way;
//   3. a content word is supported when the same word occurs in any retrieved source;
//   4. consecutive unsupported words form one unsupported span; the rate is
//      unsupported content words / content words.
// Limits: it checks words, not claims. A paraphrase ("big" for "large") counts as unsupported, and
// a false sentence made of the sources' own words ("Tom hid the cat" from "the cat hid Tom") counts
// as supported. It flags invented names and facts well, which is what a tiny model gets wrong.

import { bm25Terms } from '../rag/bm25';

const FUNCTION_WORDS = new Set(
  'a an the and or but if then so of to in on at by for with from into onto up down out over under as is are was were be been being am do does did have has had it its this that these those there here he she they we you i me him her them us my your his their our not no yes very too also just can could will would shall should may might must one said says say'.split(' '),
);

export interface AnswerSpan {
  /** UTF-16 offsets in the answer, [start, end). */
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export interface GroundingCheck {
  readonly contentWords: number;
  readonly unsupportedWords: number;
  /** unsupported / content words; 0 for an answer with no content words. */
  readonly rate: number;
  readonly unsupported: readonly AnswerSpan[];
}

export function checkGrounding(answer: string, sources: readonly string[]): GroundingCheck {
  const known = new Set(sources.flatMap((s) => bm25Terms(s)));
  const unsupported: AnswerSpan[] = [];
  let contentWords = 0;
  let unsupportedWords = 0;
  let open: { start: number; end: number } | undefined;
  for (const match of answer.matchAll(/[\p{L}\p{N}]+/gu)) {
    const word = match[0].toLowerCase();
    if (FUNCTION_WORDS.has(word)) continue;
    contentWords++;
    const start = match.index ?? 0;
    const end = start + match[0].length;
    if (known.has(word)) {
      open = undefined;
      continue;
    }
    unsupportedWords++;
    if (open) open.end = end;
    else unsupported.push((open = { start, end }) as AnswerSpan);
  }
  const spans = unsupported.map(({ start, end }) => ({ start, end, text: answer.slice(start, end) }));
  return { contentWords, unsupportedWords, rate: contentWords ? unsupportedWords / contentWords : 0, unsupported: spans };
}
