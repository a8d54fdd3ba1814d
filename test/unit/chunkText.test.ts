// The chunker: structure first (Markdown headings, top-level declarations), token windows with
// overlap inside long sections, exact token counts and offsets that give back the file's text.

import { strict as assert } from 'node:assert';
import { checkChunkSettings, chunkText, fitChunkToWindow, type TextChunk } from '../../extension/engine/rag/chunker';
import { findSections, fileKind } from '../../extension/engine/rag/sections';
import { HfTextTokenizer } from '../../extension/engine/tokenizer/hfTokenizer';
import { openTokenizer } from '../../extension/engine/tokenizer/openTokenizer';
import { byteLevelTokenizerJson } from './modelFolderFixtures';

/** One token per byte: token counts are byte counts, easy to check by hand. */
const bytes = new HfTextTokenizer('bytes', byteLevelTokenizerJson());

function assertCoversText(text: string, chunks: readonly TextChunk[]): void {
  for (const c of chunks) assert.equal(c.text, text.slice(c.start, c.end));
}

describe('chunking', () => {
  it('finds Markdown headings, but not "#" lines inside a code fence', () => {
    const text = '# Title\nintro\n## Setup\n```sh\n# a comment\n```\n## Use\nrun it\n';
    const sections = findSections(text, 'markdown');
    assert.deepEqual(sections.map((s) => s.title), ['# Title', '## Setup', '## Use']);
    assert.equal(text.slice(sections[1].start, sections[1].start + 8), '## Setup');
  });

  it('finds top-level declarations in code and not indented ones', () => {
    const text = 'import x from "y";\n\nexport function a() {\n  const inner = 1;\n}\n\nclass B {\n  method() {}\n}\ndef c():\n    pass\n';
    const titles = findSections(text, fileKind('.ts')).map((s) => s.title);
    assert.deepEqual(titles, ['', 'export function a() {', 'class B {', 'def c():']);
    assert.equal(fileKind('.txt'), 'text');
    assert.equal(fileKind('.MD'), 'markdown');
  });

  it('cuts a long section into windows of `size` tokens that overlap by `overlap`', () => {
    const text = 'abcdefghijklmnopqrstuvwxyz'.repeat(2); // 52 byte tokens
    const chunks = chunkText(text, 'text', bytes, { size: 20, overlap: 5 });
    // Windows start every 15 tokens: 0, 15, 30, and the last one ends at 52.
    assert.deepEqual(chunks.map((c) => [c.start, c.end]), [[0, 20], [15, 35], [30, 50], [45, 52]]);
    assert.deepEqual(chunks.map((c) => c.tokenCount), [20, 20, 20, 7]);
    assertCoversText(text, chunks);
    // Consecutive windows share exactly `overlap` tokens.
    for (let i = 1; i < chunks.length; i++) assert.equal(chunks[i - 1].end - chunks[i].start, 5);
  });

  it('ends windows after the last sentence in their second half and starts the next at a sentence start', () => {
    const sentences = ['Gulls cry.', 'The lamp is lit at dusk.', 'Fog rolls in.', 'Boats stay in harbour tonight.', 'Waves rise.', 'The keeper logs it all.'];
    const text = sentences.join(' ').repeat(3);
    // No sentence is longer than half a window (32 byte tokens), so every window has an end to cut at.
    const chunks = chunkText(text, 'text', bytes, { size: 64, overlap: 10 });
    assert.ok(chunks.length > 3);
    chunks.forEach((c, i) => {
      assert.ok(c.tokenCount <= 64);
      if (i < chunks.length - 1) assert.match(c.text, /\.$/, `chunk ${i} ends inside a sentence: ${JSON.stringify(c.text)}`);
      if (i > 0) {
        assert.match(text.slice(0, c.start), /\.$/, `chunk ${i} starts inside a sentence: ${JSON.stringify(c.text)}`);
        assert.ok(c.start <= chunks[i - 1].end, 'no text falls between two chunks');
      }
    });
    assertCoversText(text, chunks);
  });

  it('never puts two Markdown sections that do not fit together in one chunk, and merges small ones', () => {
    const section = (title: string, body: string) => `## ${title}\n${body}\n`;
    const text = section('A', 'x'.repeat(10)) + section('B', 'y'.repeat(10)) + section('C', 'z'.repeat(40));
    // A and B are 16 tokens each: together 32 fit in 40; C (46 tokens) does not fit with them.
    const chunks = chunkText(text, 'markdown', bytes, { size: 40, overlap: 4 });
    assert.equal(chunks[0].text, section('A', 'x'.repeat(10)) + section('B', 'y'.repeat(10)));
    assert.equal(chunks[0].title, '## A');
    assert.ok(chunks[1].text.startsWith('## C'), chunks[1].text);
    assert.ok(chunks.slice(1).every((c) => c.title === '## C' && c.tokenCount <= 40));
    assertCoversText(text, chunks);
  });

  it('counts tokens with the tokenizer it is given (r50k_base), and each chunk re-encodes to about its count', async () => {
    const r50k = await openTokenizer('r50k_base');
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(30);
    const chunks = chunkText(text, 'text', r50k, { size: 50, overlap: 10 });
    const total = r50k.encode(text).length;
    assert.equal(chunks[0].tokenCount, 50);
    // Stride 40: ceil((total - 50) / 40) + 1 windows.
    assert.equal(chunks.length, Math.ceil((total - 50) / 40) + 1);
    for (const c of chunks) assert.ok(Math.abs(r50k.encode(c.text).length - c.tokenCount) <= 2, `${c.tokenCount} vs ${r50k.encode(c.text).length}`);
    assertCoversText(text, chunks);
  });

  it('gives no chunks for an empty file and rejects an overlap of half the size or more', () => {
    assert.deepEqual(chunkText('', 'text', bytes, { size: 16, overlap: 2 }), []);
    assert.throws(() => chunkText('abc', 'text', bytes, { size: 16, overlap: 8 }), /overlap/);
    assert.throws(() => chunkText('abc', 'text', bytes, { size: 4, overlap: 0 }), /at least 8/);
  });

  it('lowers the chunk size to what the context window holds as sources, and keeps a size that fits', () => {
    const shape = { contextLength: 256, answerTokens: 64, sources: 4 };
    const fitted = fitChunkToWindow({ size: 256, overlap: 32 }, shape);
    // size = ⌊(256 - 64) / (4 + 1)⌋ = ⌊38.4⌋ = 38: four sources and a share for the instruction and
    // the question. A lowered size lowers the overlap to at most a quarter of it: min(32, ⌊38 / 4⌋) = 9.
    assert.deepEqual(fitted, { size: 38, overlap: 9 });
    assert.doesNotThrow(() => checkChunkSettings(fitted));
    assert.ok(shape.sources * fitted.size + fitted.size + shape.answerTokens <= shape.contextLength);
    // ⌊(1024 - 64) / 5⌋ = 192 < 200: lowered, and the overlap min(32, ⌊192 / 4⌋ = 48) stays 32.
    assert.deepEqual(fitChunkToWindow({ size: 200, overlap: 32 }, { ...shape, contextLength: 1024 }), { size: 192, overlap: 32 });
    // 128 ≤ 192 already fits: kept as it is, overlap included.
    assert.deepEqual(fitChunkToWindow({ size: 128, overlap: 16 }, { ...shape, contextLength: 1024 }), { size: 128, overlap: 16 });
    // (32 - 64) / 5 < 0: the size falls to the smallest chunk allowed, 8, and the overlap to min(8, ⌊8 / 4⌋) = 2.
    assert.deepEqual(fitChunkToWindow({ size: 64, overlap: 8 }, { ...shape, contextLength: 32 }), { size: 8, overlap: 2 });
  });
});
