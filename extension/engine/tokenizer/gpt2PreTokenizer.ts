// Pre-tokenization as GPT-2 does it: before any merging, text is cut into pieces with a regex, and
// BPE never merges across pieces. A piece is a word with the space before it (" cat"), a run of
// digits, a run of punctuation, or whitespace; English contractions ('s, 't, 're, 've, 'm, 'll, 'd)
// are their own pieces. Special tokens such as <|endoftext|> are cut out before that and stay whole.

/**
 * GPT-2's pattern as tokenizer.json stores it (the Rust tokenizers library compiles it with
 * Oniguruma, where \s means Unicode White_Space).
 */
export const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

/**
 * The same pattern for JavaScript. JavaScript's \s is not Unicode White_Space (it adds U+FEFF
 * and leaves out U+0085), so White_Space is spelled out to cut text exactly as tokenizer.json does.
 * `\s+(?!\S)` takes a run of spaces but leaves the last one to start the next word: "a   b" is
 * "a", "  ", " b".
 */
const GPT2_REGEX = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\p{White_Space}\p{L}\p{N}]+|\p{White_Space}+(?!\P{White_Space})|\p{White_Space}+/gu;

/** The pieces of `text` (which holds no special tokens), in order; they join back to `text`. */
export function gpt2Pieces(text: string): string[] {
  const pieces: string[] = [];
  let end = 0;
  for (const match of text.matchAll(GPT2_REGEX)) {
    // The pattern matches every character, so nothing is left between matches; were anything
    // left, it would be a piece of its own, as @huggingface/tokenizers' Split makes it.
    if (match.index > end) pieces.push(text.slice(end, match.index));
    pieces.push(match[0]);
    end = match.index + match[0].length;
  }
  if (end < text.length) pieces.push(text.slice(end));
  return pieces;
}

/** A stretch of text between special tokens, or one special token. */
export interface TextPart {
  readonly text: string;
  readonly special: boolean;
}

/**
 * Cuts `text` at the special tokens, leftmost first and the longest where several start at the
 * same place, as @huggingface/tokenizers cuts out added tokens.
 */
export function splitAtSpecialTokens(text: string, specialTokens: readonly string[]): TextPart[] {
  const longestFirst = [...specialTokens].filter((s) => s !== '').sort((a, b) => b.length - a.length);
  // Where each special token next occurs (-1: nowhere), found again only once the cut passes it,
  // so that a long text is searched once per token, not once per cut.
  const nextAt = longestFirst.map((token) => text.indexOf(token));
  const parts: TextPart[] = [];
  let at = 0;
  while (at < text.length) {
    let next = text.length;
    let found = '';
    longestFirst.forEach((token, k) => {
      if (nextAt[k] >= 0 && nextAt[k] < at) nextAt[k] = text.indexOf(token, at);
      if (nextAt[k] >= 0 && nextAt[k] < next) {
        next = nextAt[k];
        found = token;
      }
    });
    if (next > at) parts.push({ text: text.slice(at, next), special: false });
    if (found === '') break;
    parts.push({ text: found, special: true });
    at = next + found.length;
  }
  return parts;
}
