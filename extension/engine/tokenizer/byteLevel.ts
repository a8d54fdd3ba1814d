// GPT-2's byte-level alphabet. A byte-level BPE works on UTF-8 bytes, but tokenizer.json stores its
// vocabulary and merges as JSON strings. GPT-2 therefore gives each of the 256 bytes a printable
// character: the printable Latin-1 bytes ('!'..'~', '¡'..'¬', '®'..'ÿ') stand for themselves and the
// other 68 (controls, space, soft hyphen) are shifted to U+0100 upwards in byte order. So the space
// 0x20 becomes 'Ġ' (U+0120) and the newline 0x0A becomes 'Ċ' (U+010A), which is why " the" appears
// in the vocabulary as "Ġthe".

function buildByteToChar(): string[] {
  const printable = (b: number): boolean => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const table: string[] = new Array(256);
  let shifted = 0;
  for (let b = 0; b < 256; b++) table[b] = String.fromCharCode(printable(b) ? b : 256 + shifted++);
  return table;
}

/** BYTE_TO_CHAR[b] is the vocabulary character for byte b. */
export const BYTE_TO_CHAR: readonly string[] = buildByteToChar();

const CHAR_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]));

/** The vocabulary string for a run of bytes, e.g. [0x20, 0x74, 0x68, 0x65] -> "Ġthe". */
export function bytesToVocabString(bytes: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += BYTE_TO_CHAR[bytes[i]];
  return s;
}

/**
 * The bytes a byte-level vocabulary string stands for, or undefined when it holds a character
 * outside the 256-character alphabet (then it is not a byte-level token, e.g. an added token).
 */
export function vocabStringToBytes(token: string): Uint8Array | undefined {
  const bytes = new Uint8Array(token.length);
  for (let i = 0; i < token.length; i++) {
    const b = CHAR_TO_BYTE.get(token[i]);
    if (b === undefined) return undefined;
    bytes[i] = b;
  }
  return bytes;
}
