// The fast road to token spans for byte-level BPE (byteLevelBpeSpans.ts) against the general road
// (@huggingface/tokenizers' ids, then bytes and offsets found by walking the text): the same spans,
// field for field, on the built-ins and the bundled model's tokenizer, on text made to trip them
// up, on pieces long enough for the heap-based merge, and on text seen a second time (the cache);
// and the bundled tokenizer's ids against js-tiktoken run over its vocabulary.
// Tokenizers of another shape must not take the fast road.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { loadBuiltinTokenizer, type BuiltinTokenizerName } from '../../extension/engine/tokenizer/builtins';
import { CONVERT_HERE } from '../../extension/engine/tokenizer/builtinConversion';
import { ByteLevelBpeSpans } from '../../extension/engine/tokenizer/byteLevelBpeSpans';
import type { HfTextTokenizer } from '../../extension/engine/tokenizer/hfTokenizer';
import { loadTokenizerFile } from '../../extension/engine/tokenizer/loadTokenizerFile';
import { randomMixedText, randomUnicodeText, randomWhitespaceRun, seededRandom } from '../../extension/engine/tokenizer/randomText';
import { tiktokenFromTokenizerJson } from './tiktokenFromTokenizerJson';

const BUNDLED = path.join(__dirname, '..', '..', 'models', 'tinystories-1m');
const VALID = path.join(__dirname, '..', '..', 'corpus', 'tinystories', 'valid.txt');

const HOSTILE: readonly string[] = [
  '',
  'Text with <|endoftext|> inside, and <|endoftext|><|endoftext|> twice.',
  // One piece of 300 letters, one of 2,000 (over the cached length), and a run of 5,000 spaces.
  `${'abcdefghij'.repeat(30)} ${'Z'.repeat(2000)}${' '.repeat(5000)}x`,
  // Multi-byte characters whose bytes a token may cut, in short and long pieces.
  `naïve café ${'é'.repeat(100)} 日本語${'語'.repeat(70)} 👩‍👩‍👧‍👦${'🧑🏿‍💻'.repeat(20)}`,
  'lone \ud800 surrogate \udc00 and a pair 😀',
  '\r\n\r\n\t \u00a0\u3000\u2028\u0085\ufeff',
];

function texts(): string[] {
  const random = seededRandom(7);
  const made: string[] = [...HOSTILE, fs.readFileSync(VALID, 'utf8').slice(0, 30_000)];
  for (let i = 0; i < 150; i++) made.push(i % 3 === 0 ? randomMixedText(random, 1 + (i % 25)) : i % 3 === 1 ? randomUnicodeText(random, 1 + (i % 50)) : randomWhitespaceRun(random, 1 + (i % 30)) + randomMixedText(random, 3));
  return made;
}

function assertSameRoads(tokenizer: HfTextTokenizer): void {
  for (const text of texts()) {
    const general = tokenizer.encodeByAlignment(text);
    // Twice: the second time every piece comes from the cache.
    for (let round = 0; round < 2; round++) assert.deepEqual(tokenizer.encode(text), general, JSON.stringify(text.slice(0, 80)));
  }
}

describe('byte-level BPE spans (the fast road)', function () {
  this.timeout(120_000);

  for (const name of ['r50k_base', 'cl100k_base', 'o200k_base'] as BuiltinTokenizerName[]) {
    it(`gives the general road's spans for ${name}`, async () => {
      const tokenizer = await loadBuiltinTokenizer(name, CONVERT_HERE);
      assert.ok(ByteLevelBpeSpans.for(tokenizer.tokenizerJson, tokenizer.hf, (id) => tokenizer.tokenBytes(id)), `${name} takes the fast road`);
      assertSameRoads(tokenizer);
    });
  }

  it("gives the general road's spans for the bundled model's tokenizer", async () => {
    assertSameRoads(await loadTokenizerFile(BUNDLED));
  });

  it("gives js-tiktoken's ids for the bundled model's tokenizer, with its vocabulary as ranks", async () => {
    const tokenizer = await loadTokenizerFile(BUNDLED);
    const peer = tiktokenFromTokenizerJson(JSON.parse(fs.readFileSync(path.join(BUNDLED, 'tokenizer.json'), 'utf8')));
    const valid = fs.readFileSync(VALID, 'utf8');
    // The corpus (with <|endoftext|> between stories) and text unlike it, as in the other tests.
    for (const text of [valid.slice(0, 200_000), ...texts()]) {
      assert.deepEqual(tokenizer.encode(text).map((span) => span.id), peer.encode(text, 'all'), JSON.stringify(text.slice(0, 80)));
    }
  });

  it('is not taken by a tokenizer with a normalizer, another pre-tokenizer or added tokens that strip spaces', () => {
    const json = JSON.parse(fs.readFileSync(path.join(BUNDLED, 'tokenizer.json'), 'utf8')) as Record<string, unknown>;
    const variants: Record<string, unknown>[] = [
      { ...json, normalizer: { type: 'Lowercase' } },
      { ...json, pre_tokenizer: { type: 'Whitespace' } },
      { ...json, added_tokens: (json.added_tokens as Record<string, unknown>[]).map((t) => ({ ...t, lstrip: true })) },
    ];
    for (const variant of variants) assert.equal(ByteLevelBpeSpans.for(variant, new Tokenizer(variant, {}), () => new Uint8Array(0)), undefined);
    assert.ok(ByteLevelBpeSpans.for(json, new Tokenizer(json, {}), () => new Uint8Array(0)), 'the unchanged file does');
  });
});
