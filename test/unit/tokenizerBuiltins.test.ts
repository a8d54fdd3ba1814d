// The built-in tokenizers (tiktoken encodings converted to tokenizer.json and run by
// @huggingface/tokenizers) against js-tiktoken, which encodes from the same rank files with its
// own code.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Tiktoken } from 'js-tiktoken/lite';
import cl100k from 'js-tiktoken/ranks/cl100k_base';
import o200k from 'js-tiktoken/ranks/o200k_base';
import r50k from 'js-tiktoken/ranks/r50k_base';
import { builtinCachePath, builtinTokenizerJson, loadBuiltinTokenizer, type BuiltinTokenizerName } from '../../extension/engine/tokenizer/builtins';
import type { HfTextTokenizer } from '../../extension/engine/tokenizer/hfTokenizer';
import { randomMixedText, randomUnicodeText, randomWhitespaceRun, seededRandom } from '../../extension/engine/tokenizer/randomText';
import type { TokenSpan } from '../../extension/engine/tokenizer/types';
import { CONVERT_HERE } from '../../extension/engine/tokenizer/builtinConversion';

const RANKS = { r50k_base: r50k, cl100k_base: cl100k, o200k_base: o200k } as const;

const FIXED_TEXTS: readonly string[] = [
  '',
  'Hello, world!',
  "It's 5 o'clock; WE'LL see. They'd've",
  'def fib(n: int) -> int:\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n',
  'fn main() {\n\tlet v: Vec<u32> = (1..=10).filter(|x| x % 2 == 0).collect();\n\tprintln!("{:?}", v);\n}\n',
  'const sum = (xs) => xs.reduce((a, b) => a + b, 0); // ES2015\n',
  '#include <stdio.h>\nint main(int argc, char **argv) {\n  printf("%d\\n", argc);\n  return 0;\n}\n',
  'SELECT name, COUNT(*) AS n FROM orders GROUP BY name HAVING n > 10 ORDER BY n DESC;',
  'Emoji: 😀 👍🏽 👩‍👩‍👧‍👦 🏳️‍🌈 🇯🇵🇺🇸 ❤️‍🔥 🧑🏿‍💻',
  '日本語のテキストと中文分词，还有한국어。「引用」',
  'Привет, мир! Γειά σου κόσμε. مرحبا بالعالم. नमस्ते दुनिया. สวัสดีชาวโลก',
  ' '.repeat(100) + 'x' + '\t'.repeat(37) + 'y' + '\n'.repeat(50) + 'z' + ' \n'.repeat(20) + '\r\n\r\n',
  '1 12 123 1234 12345 123456789012345 3.14159265 -0.5e-10 1,234,567 ١٢٣ １２３',
  'Text with <|endoftext|> inside, and <|endoftext|><|endoftext|> twice.',
  'naïve café Straße ÆØÅ résumé — “curly quotes” «guillemets» ‘single’ … ™ © ®',
  '\u00a0non-breaking\u00a0spaces\u3000ideographic\u2028line\u2029paragraph',
];

function randomTexts(seed: number, count: number): string[] {
  const random = seededRandom(seed);
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 3;
    texts.push(kind === 0 ? randomMixedText(random, 1 + Math.floor(random() * 30)) : kind === 1 ? randomUnicodeText(random, 1 + Math.floor(random() * 60)) : randomWhitespaceRun(random, 1 + Math.floor(random() * 40)) + randomMixedText(random, 3));
  }
  return texts;
}

/** The spans cover the text from 0 to its end without gaps, and their bytes are the text's UTF-8 bytes. */
function assertSpansCoverText(text: string, spans: readonly TokenSpan[]): void {
  const bytes = Buffer.concat(spans.map((s) => s.bytes));
  assert.deepEqual(bytes, Buffer.from(text, 'utf8'), 'token bytes joined are the text bytes');
  if (text === '') return assert.equal(spans.length, 0);
  assert.equal(spans[0].start, 0);
  assert.equal(spans[spans.length - 1].end, text.length);
  for (let i = 0; i < spans.length; i++) {
    const { start, end } = spans[i];
    assert.ok(start < end, `span ${i} [${start}, ${end}) is not empty`);
    if (i > 0) assert.ok(spans[i - 1].start <= start && start <= spans[i - 1].end, `span ${i} starts inside or at the end of span ${i - 1}`);
    // A span whose bytes are whole characters is exactly those characters.
    const own = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    let decoded: string | undefined;
    try {
      decoded = own.decode(spans[i].bytes);
    } catch {
      decoded = undefined;
    }
    const joinsNeighbour = (i > 0 && spans[i - 1].end > start) || (i + 1 < spans.length && spans[i + 1].start < end);
    if (decoded !== undefined && !joinsNeighbour) assert.equal(text.slice(start, end), decoded, `span ${i} covers its own text`);
  }
}

for (const name of Object.keys(RANKS) as BuiltinTokenizerName[]) {
  describe(`built-in tokenizer ${name}`, function () {
    this.timeout(120_000);
    let tokenizer: HfTextTokenizer;
    const tiktoken = new Tiktoken(RANKS[name]);

    before(async () => {
      tokenizer = await loadBuiltinTokenizer(name, CONVERT_HERE);
    });

    it('gives the same token ids as js-tiktoken on code, emoji, CJK, mixed scripts, numbers and whitespace runs', () => {
      for (const text of FIXED_TEXTS) assert.deepEqual(tokenizer.encodeIds(text), tiktoken.encode(text, 'all'), JSON.stringify(text));
    });

    it('gives the same token ids as js-tiktoken on 300 seeded random texts', () => {
      for (const text of randomTexts(1234, 300)) assert.deepEqual(tokenizer.encodeIds(text), tiktoken.encode(text, 'all'), JSON.stringify(text));
    });

    it('spans carry the same ids, and their bytes and offsets cover the text exactly', () => {
      for (const text of [...FIXED_TEXTS, ...randomTexts(99, 100)]) {
        const spans = tokenizer.encode(text);
        assert.deepEqual(
          spans.map((s) => s.id),
          tiktoken.encode(text, 'all'),
        );
        assertSpansCoverText(text, spans);
      }
    });

    it('decodes ids back to the original text, and each token to js-tiktoken\'s bytes', () => {
      for (const text of [...FIXED_TEXTS, ...randomTexts(7, 100)]) {
        const ids = tokenizer.encodeIds(text);
        assert.equal(tokenizer.decode(ids), text);
        assert.equal(tokenizer.decode(ids), tiktoken.decode(ids));
      }
    });

    it('marks <|endoftext|> as a special token with its tiktoken id', () => {
      const spans = tokenizer.encode('a<|endoftext|>b');
      const special = spans.filter((s) => s.special);
      assert.equal(special.length, 1);
      assert.equal(special[0].id, RANKS[name].special_tokens['<|endoftext|>']);
      assert.equal(special[0].text, '<|endoftext|>');
      assert.deepEqual([special[0].start, special[0].end], [1, 14]);
    });

    it('encodes a lone surrogate as U+FFFD, as TextEncoder does, and keeps the offsets in step', () => {
      const text = 'a\ud800b \udfff😀';
      assert.deepEqual(tokenizer.encodeIds(text), tiktoken.encode(text, 'all'));
      const spans = tokenizer.encode(text);
      assert.equal(spans[spans.length - 1].end, text.length);
      assert.deepEqual(Buffer.concat(spans.map((s) => s.bytes)), Buffer.from(new TextEncoder().encode(text)));
      assert.equal(tokenizer.decode(spans.map((s) => s.id)), 'a\ufffdb \ufffd😀');
    });

    it('knows its vocabulary size (largest id + 1)', () => {
      const largest = Math.max(...Object.values(RANKS[name].special_tokens));
      assert.equal(tokenizer.vocabSize, largest + 1);
    });
  });
}

describe('built-in tokenizers and Unicode White_Space', () => {
  // tiktoken's regexes use \s, which Rust (and @huggingface/tokenizers' regex translation) read as
  // Unicode White_Space. JavaScript's \s differs in two characters: it includes U+FEFF and leaves
  // out U+0085. js-tiktoken runs the regex with JavaScript's \s, so for these two characters the
  // reference is js-tiktoken given the regex with \s spelled as White_Space.
  it('agrees with js-tiktoken using White_Space on text holding U+0085 and U+FEFF', async () => {
    for (const name of Object.keys(RANKS) as BuiltinTokenizerName[]) {
      const ranks = RANKS[name];
      const whiteSpace = { ...ranks, pat_str: ranks.pat_str.replaceAll('\\s', '\\p{White_Space}').replaceAll('\\S', '\\P{White_Space}') };
      const reference = new Tiktoken(whiteSpace);
      const plainJs = new Tiktoken(ranks);
      const tokenizer = await loadBuiltinTokenizer(name, CONVERT_HERE);
      const texts = ['\ufeff \ufeff.a', '\n\n\ufeffa', '1a \ufeffa', '. \ufeff.', '\u0085 \u0085a', '\ufeff\ufeff.\n', 'a\u0085b'];
      for (const text of texts) assert.deepEqual(tokenizer.encodeIds(text), reference.encode(text, 'all'), `${name} ${JSON.stringify(text)}`);
      const differing = texts.filter((text) => JSON.stringify(plainJs.encode(text, 'all')) !== JSON.stringify(reference.encode(text, 'all')));
      assert.ok(differing.length > 0, 'these texts do show the difference between the two readings of \\s');
    }
  });
});

describe('built-in tokenizer cache', function () {
  this.timeout(60_000);
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenizer-cache-'));
  after(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

  it('writes the converted tokenizer.json and reads it back unchanged', async () => {
    const file = builtinCachePath(cacheDir, 'r50k_base');
    const converted = await builtinTokenizerJson('r50k_base', { ...CONVERT_HERE, cacheDir });
    assert.ok(fs.existsSync(file));
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), converted);
    assert.deepEqual(await builtinTokenizerJson('r50k_base', { ...CONVERT_HERE, cacheDir }), converted);
    assert.deepEqual(fs.readdirSync(cacheDir), [path.basename(file)], 'no temporary files are left behind');
  });

  it('reads the cache instead of converting again', async () => {
    const file = builtinCachePath(cacheDir, 'r50k_base');
    const marked = JSON.parse(fs.readFileSync(file, 'utf8'));
    marked.version = 'from-cache';
    fs.writeFileSync(file, JSON.stringify(marked));
    assert.equal((await builtinTokenizerJson('r50k_base', { ...CONVERT_HERE, cacheDir })).version, 'from-cache');
  });

  it('replaces a damaged cache file', async () => {
    const file = builtinCachePath(cacheDir, 'r50k_base');
    fs.writeFileSync(file, '{"model": {"vocab": ');
    const json = await builtinTokenizerJson('r50k_base', { ...CONVERT_HERE, cacheDir });
    assert.equal(json.version, '1.0');
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), json);
  });
});
