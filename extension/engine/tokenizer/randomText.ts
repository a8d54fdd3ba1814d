// Seeded generators of the text that trips tokenizers up: mixed scripts, emoji (with skin tones,
// flags and zero-width-joiner sequences), CJK, runs of spaces, tabs and newlines, digits,
// contractions, source code. The tests use them to compare tokenizers with independent
// implementations over hundreds of cases; the same seed always gives the same text.

/** mulberry32: a small, fast 32-bit generator, plenty for test inputs. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)];

const FRAGMENTS: readonly string[] = [
  'Hello', ' world', 'the', ' The', "don't", " I'LL", "she's", "we'Ve", 'naïve', ' café', 'Straße', 'ÆØÅ',
  'Привет', ' мир', 'Γειά σου', 'مرحبا بالعالم', 'שלום', 'नमस्ते', 'สวัสดี', '日本語のテキスト', '中文分词', '한국어',
  '😀', '👍🏽', '👩‍👩‍👧‍👦', '🏳️‍🌈', '🇯🇵', '❤️', '🧑🏿‍💻',
  '0', '7', '42', '1234567', '3.14159', '1,000,000', '2024-06-01', '0x1F', '１２３',
  'def f(x):\n    return x ** 2\n', 'fn main() { println!("hi"); }', 'const a = [1, 2, 3].map((v) => v * 2);',
  '#include <stdio.h>\nint main(void) { return 0; }', 'SELECT * FROM users WHERE id = 1;', '<div class="a">&amp;</div>',
  '    ', '  ', '\t', '\t\t', '\n', '\n\n\n', '\r\n', ' \n ', '         \n', '\u00a0', '\u3000', '\u2028',
  '...', '!!', '?!', '—', '“quoted”', '«»', '@#$%^&*()', '\\n', '//', '/* c */', '->', '=>', '::', '++',
];

/** A string of fragments glued together, `parts` of them. */
export function randomMixedText(random: () => number, parts: number): string {
  let s = '';
  for (let i = 0; i < parts; i++) s += random() < 0.25 ? pick(random, [' ', '\n', '', '']) + pick(random, FRAGMENTS) : pick(random, FRAGMENTS);
  return s;
}

/** Ranges of code points the random strings draw from, weighted toward the ones in real text. */
const CODE_POINT_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x20, 0x7e], [0x20, 0x7e], [0x20, 0x7e], [0x09, 0x0d], [0xa0, 0x24f], [0x370, 0x4ff], [0x590, 0x6ff],
  [0x900, 0x97f], [0xe00, 0xe7f], [0x1100, 0x11ff], [0x2000, 0x206f], [0x3000, 0x30ff], [0x4e00, 0x9fff],
  [0xac00, 0xd7a3], [0xfe00, 0xfe0f], [0xff00, 0xffef], [0x1f300, 0x1faff], [0x1f1e6, 0x1f1ff], [0x10000, 0x10ffff],
];

/** A random string of valid code points (no lone surrogates), `length` code points long. */
export function randomUnicodeText(random: () => number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) {
    const [lo, hi] = pick(random, CODE_POINT_RANGES);
    let cp = lo + Math.floor(random() * (hi - lo + 1));
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    s += String.fromCodePoint(cp);
  }
  return s;
}

/** A run of one whitespace kind or a mix: the case where pre-tokenizer regexes differ most. */
export function randomWhitespaceRun(random: () => number, length: number): string {
  const kinds = [' ', '\t', '\n', '\r', '\r\n', '\u00a0', '\u3000', '\v', '\f'];
  const mixed = random() < 0.5;
  const first = pick(random, kinds);
  let s = '';
  for (let i = 0; i < length; i++) s += mixed ? pick(random, kinds) : first;
  return s;
}
