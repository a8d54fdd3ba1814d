// Where each token sits in the input string. @huggingface/tokenizers returns tokens without
// offsets, so they are recovered from the tokens' bytes: walk the input's UTF-8 bytes and let each
// token consume the bytes it stands for. Then byte offsets become UTF-16 offsets (what JavaScript
// strings and VS Code use).
//
// A byte-level token may end inside a multi-byte character: "é" is C3 A9 and a tokenizer may cut
// between the two bytes. No string offset lies between them, so such a token gets the whole
// character's range: its start is rounded down and its end up to character boundaries. Two tokens
// that share one character then share its range.
//
// For byte-level tokenizers without a normalizer the bytes line up exactly and the spans tile the
// input. Other tokenizers change the text before splitting it: SentencePiece adds a leading space,
// WordPiece drops spaces, normalizers lowercase or rewrite characters. The walk allows for an added
// leading space and for dropped whitespace; where a normalizer changed the bytes, a token takes as
// many input bytes as it has, which is close but not exact.

export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

function matchesAt(input: Uint8Array, at: number, bytes: Uint8Array, from = 0): boolean {
  if (at + bytes.length - from > input.length) return false;
  for (let i = from; i < bytes.length; i++) if (input[at + i - from] !== bytes[i]) return false;
  return true;
}

const isAsciiSpace = (b: number): boolean => b === 0x20 || (b >= 0x09 && b <= 0x0d);

/** Byte ranges of consecutive tokens in `input`; an empty token (or one marked zero-width) takes no bytes. */
export function alignTokenBytes(input: Uint8Array, tokens: readonly Uint8Array[], zeroWidth: readonly boolean[] = []): ByteRange[] {
  let at = 0;
  return tokens.map((bytes, i) => {
    if (zeroWidth[i] || bytes.length === 0) return { start: at, end: at };
    if (matchesAt(input, at, bytes)) return { start: at, end: (at += bytes.length) };
    // A space the tokenizer added in front (SentencePiece's "▁Hello" at the start of the text).
    if (bytes[0] === 0x20 && matchesAt(input, at, bytes, 1)) return { start: at, end: (at += bytes.length - 1) };
    // Whitespace the tokenizer dropped (WordPiece): skip it, then try again.
    let skipped = at;
    while (skipped < input.length && isAsciiSpace(input[skipped])) skipped++;
    if (skipped > at && matchesAt(input, skipped, bytes)) {
      at = skipped;
      return { start: at, end: (at += bytes.length) };
    }
    // The text was normalized: take as many bytes as the token has.
    const start = skipped;
    at = Math.min(input.length, skipped + bytes.length);
    return { start, end: at };
  });
}

/** UTF-8 length of the character starting at UTF-16 index i, and its UTF-16 length (lone surrogates encode as U+FFFD, 3 bytes). */
function charAt(text: string, i: number): { bytes: number; units: number } {
  const c = text.charCodeAt(i);
  if (c < 0x80) return { bytes: 1, units: 1 };
  if (c < 0x800) return { bytes: 2, units: 1 };
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return { bytes: 4, units: 2 };
  }
  return { bytes: 3, units: 1 };
}

/**
 * UTF-16 ranges for byte ranges that never go backwards (each start and end at or after the
 * previous end's character), rounding a start down and an end up to the enclosing character.
 */
export function byteRangesToUtf16(text: string, ranges: readonly ByteRange[]): ByteRange[] {
  // The walk keeps the character that contains byte `charByte`: it starts at UTF-16 index `charUnit`.
  let charByte = 0;
  let charUnit = 0;
  let current = charUnit < text.length ? charAt(text, 0) : { bytes: 0, units: 0 };
  const advanceTo = (byte: number): void => {
    while (charUnit < text.length && charByte + current.bytes <= byte) {
      charByte += current.bytes;
      charUnit += current.units;
      current = charUnit < text.length ? charAt(text, charUnit) : { bytes: 0, units: 0 };
    }
  };
  return ranges.map(({ start, end }) => {
    advanceTo(start);
    const startUnit = charUnit;
    advanceTo(end);
    const endUnit = charByte === end || charUnit >= text.length ? charUnit : charUnit + current.units;
    return { start: startUnit, end: endUnit };
  });
}
