// The word a token belongs to, so clicking the "izer" of " tokenizer" shows the merges of the
// whole word. A word here is a run of letters, digits and marks with at most one leading space:
// the same shape as the pieces GPT-style pre-tokenizers cut text into before BPE runs.

const WORD_CHAR = /[\p{L}\p{N}\p{M}_']/u;

export function wordAround(text: string, start: number, end: number): string {
  let from = start;
  let to = end;
  while (from > 0 && WORD_CHAR.test(text[from - 1])) from--;
  while (to < text.length && WORD_CHAR.test(text[to])) to++;
  if (from > 0 && text[from - 1] === ' ' && from < to && text[from] !== ' ') from--;
  return text.slice(from, to);
}
