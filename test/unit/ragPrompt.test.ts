// The assembled RAG prompt and how it fills the context window: segment token counts, what each
// overflow policy cuts, and the citations an answer makes.

import { strict as assert } from 'node:assert';
import { contextBudget } from '../../extension/engine/rag/contextWindow';
import { assemblePrompt, citedSources, DEFAULT_INSTRUCTION } from '../../extension/engine/rag/promptAssembly';
import { HfTextTokenizer } from '../../extension/engine/tokenizer/hfTokenizer';
import { byteLevelTokenizerJson } from './modelFolderFixtures';

/** One token per byte, so every count below is a length in bytes. */
const bytes = new HfTextTokenizer('bytes', byteLevelTokenizerJson());
const SOURCES = [
  { label: 'a.md:1-2', text: 'x'.repeat(30) },
  { label: 'b.md:3-4', text: 'y'.repeat(30) },
];

describe('RAG prompt and context window', () => {
  const segments = assemblePrompt('Use the sources.\n', SOURCES, 'Why?');

  it('numbers the sources [1], [2] and ends with the question', () => {
    assert.deepEqual(segments.map((s) => s.label), ['Instruction', '[1] a.md:1-2', '[2] b.md:3-4', 'Question']);
    assert.equal(segments[1].text, `[1] a.md:1-2\n${'x'.repeat(30)}\n\n`);
    assert.equal(segments[3].text, 'Question: Why?\nAnswer:');
    assert.ok(DEFAULT_INSTRUCTION.includes('[1]'));
  });

  it('counts each segment and leaves the rest of the window free when it fits', async () => {
    const budget = await contextBudget(bytes, segments, 256, 64, 'drop-sources');
    assert.deepEqual(budget.segments.map((s) => s.tokens), [17, 45, 45, 22]);
    assert.equal(budget.promptTokens, 129);
    assert.equal(budget.overflow, 0);
    assert.equal(budget.free, 256 - 64 - 129);
    assert.deepEqual(budget.keptIds, [...Buffer.from(segments.map((s) => s.text).join(''))]);
  });

  it('drop-sources removes whole sources, lowest-ranked first, and cuts text only when none is left', async () => {
    // Room 100 - 10 = 90: 129 is 39 over; dropping [2] (45) is enough.
    const one = await contextBudget(bytes, segments, 100, 10, 'drop-sources');
    assert.equal(one.overflow, 39);
    assert.deepEqual(one.segments.map((s) => s.kept), [17, 45, 0, 22]);
    assert.equal(one.segments[2].cutText, segments[2].text);
    assert.equal(one.free, 90 - 84);
    // Room 38: both sources go (129 - 90 = 39 left), then 1 token from the instruction's start.
    const all = await contextBudget(bytes, segments, 48, 10, 'drop-sources');
    assert.deepEqual(all.segments.map((s) => s.kept), [16, 0, 0, 22]);
    assert.equal(all.segments[0].cutText, 'U');
    assert.equal(all.keptIds.length, 38);
    assert.equal(all.free, 0);
  });

  it('truncate-end keeps only the first tokens: the question is cut first, then the last source', async () => {
    // Room 100 - 20 = 80: 49 tokens go from the end: the whole question (22) and 27 of source [2].
    const budget = await contextBudget(bytes, segments, 100, 20, 'truncate-end');
    assert.deepEqual(budget.segments.map((s) => s.kept), [17, 45, 18, 0]);
    assert.equal(budget.segments[2].cutText, segments[2].text.slice(18));
    assert.equal(budget.segments[3].cutText, segments[3].text);
    assert.deepEqual(budget.keptIds, [...Buffer.from(segments.map((s) => s.text).join('').slice(0, 80))]);
    assert.equal(budget.free, 0);
  });

  it('truncate-start keeps only the last tokens, like a sliding window', async () => {
    const budget = await contextBudget(bytes, segments, 100, 20, 'truncate-start');
    // 49 tokens go from the front: the whole instruction (17) and 32 of source [1].
    assert.deepEqual(budget.segments.map((s) => s.kept), [0, 13, 45, 22]);
    assert.equal(budget.segments[1].cutText, segments[1].text.slice(0, 32));
    assert.equal(Buffer.from(budget.keptIds).toString(), segments.map((s) => s.text).join('').slice(49));
    await assert.rejects(contextBudget(bytes, segments, 64, 64, 'truncate-start'), /answer room/);
  });

  it('lists the sources an answer cites, once, and ignores numbers it was not given', () => {
    assert.deepEqual(citedSources('Lit at sunset [2]. Also [1] and [2], see [7].', 3), [2, 1]);
    assert.deepEqual(citedSources('No citations here.', 3), []);
  });
});
