// Step 1 in the real workbench: select text, run "LLM Pipeline: Tokenize Selection" from the
// palette, read the token chips in the webview, switch tokenizers, open the compare, BPE and
// chat-template tabs, and draw token boundaries on the file. Token IDs are checked against
// js-tiktoken. Screenshots go to test-results/screenshots/.
import * as assert from 'node:assert/strict';
import { Tiktoken } from 'js-tiktoken/lite';
import cl100k from 'js-tiktoken/ranks/cl100k_base';
import o200k from 'js-tiktoken/ranks/o200k_base';
import r50k from 'js-tiktoken/ranks/r50k_base';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { loadTokenizerFile } from '../../extension/engine/tokenizer/loadTokenizerFile';
import { repoRoot } from '../harness/paths';
import { e2e, type E2E } from './framework';

const STORY = 'Once upon a time, a tokenizer named Tiktok cut every word into pieces.\n\tThe café sold 12 crêpes. 🎉\nThe end.\n';
const SELECTED = 'Once upon a time, a tokenizer named Tiktok cut every word into pieces.\n\tThe café sold 12 crêpes.';

const gpt2 = new Tiktoken(r50k);
const cl100kBase = new Tiktoken(cl100k);
const o200kBase = new Tiktoken(o200k);

/** The first folder under models/ with a tokenizer.json: the default tokenizer when there is one. */
function bundledModel(): string | undefined {
  const root = path.join(repoRoot, 'models');
  const name = (fs.existsSync(root) ? fs.readdirSync(root).sort() : []).find((n) => fs.existsSync(path.join(root, n, 'tokenizer.json')));
  return name === undefined ? undefined : path.join(root, name);
}

/** The IDs on the chips the panel shows, once it shows `count` of them. */
async function chipIds(panel: FrameLocator, count: number, vs: E2E): Promise<number[]> {
  const chips = panel.locator('token-chips .chip');
  await chips.nth(count - 1).waitFor({ timeout: vs.timeoutMs });
  const deadline = Date.now() + vs.timeoutMs;
  while ((await chips.count()) !== count && Date.now() < deadline) await vs.page.waitForTimeout(200);
  return (await chips.evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute('data-id')))));
}

async function waitForIds(panel: FrameLocator, expected: number[], vs: E2E): Promise<void> {
  const deadline = Date.now() + vs.timeoutMs;
  for (;;) {
    const ids = await chipIds(panel, expected.length, vs);
    if (JSON.stringify(ids) === JSON.stringify(expected)) return;
    if (Date.now() > deadline) assert.deepEqual(ids, expected);
    await vs.page.waitForTimeout(250);
  }
}

/**
 * The token-boundary decorations the editor draws on the line whose text is `line`, as
 * [start, end) columns and the decoration each one uses, read from the editor's overlay layer
 * (where VS Code paints a range's background: one box per range and line, in pixels).
 */
async function boundariesOnLine(vs: E2E, line: string): Promise<{ columns: [number, number][]; styles: string[] }> {
  return vs.page.evaluate((text) => {
    const editor = document.querySelector('.editor-instance .monaco-editor');
    const lines = [...(editor?.querySelectorAll<HTMLElement>('.view-lines .view-line') ?? [])];
    const row = lines.find((l) => l.textContent?.replace(/\u00a0/g, ' ') === text);
    const span = row?.firstElementChild;
    if (!row || !span) return { columns: [], styles: [] };
    const charWidth = span.getBoundingClientRect().width / text.length;
    const overlay = [...(editor?.querySelectorAll<HTMLElement>('.view-overlays > div') ?? [])].find((d) => d.style.top === row.style.top);
    const boxes = [...(overlay?.querySelectorAll<HTMLElement>('[class*="ced-"]') ?? [])].sort((a, b) => parseFloat(a.style.left) - parseFloat(b.style.left));
    const drawn = boxes.map((b) => ({
      columns: [Math.round(parseFloat(b.style.left) / charWidth), Math.round((parseFloat(b.style.left) + parseFloat(b.style.width)) / charWidth)] as [number, number],
      style: [...b.classList].find((c) => c.startsWith('ced-')) ?? '',
    }));
    // A token that starts at the line's end (the newline) leaves a box narrower than a character there.
    const characters = drawn.filter((d) => d.columns[1] > d.columns[0]);
    return { columns: characters.map((d) => d.columns), styles: characters.map((d) => d.style) };
  }, line);
}

async function openTab(panel: FrameLocator, id: 'tokens' | 'compare' | 'bpe' | 'chat'): Promise<void> {
  await panel.locator(`vscode-tab-header[data-tab="${id}"]`).click();
}

e2e('tokenize a selection, switch tokenizers, compare them, step through BPE, render a chat template', async (vs) => {
  await vs.openWorkspace({ 'story.txt': STORY });
  await vs.openFile('story.txt', SELECTED);
  await vs.runCommand('LLM Pipeline: Tokenize Selection');
  const panel = vs.webview();

  // The default tokenizer is the bundled model's when models/ has one, else GPT-2.
  const model = bundledModel();
  const defaultIds = model ? (await loadTokenizerFile(model)).encodeIds(SELECTED) : gpt2.encode(SELECTED);
  await waitForIds(panel, defaultIds, vs);
  assert.equal(await panel.locator('token-stats [data-count="tokens"]').textContent(), String(defaultIds.length));
  assert.equal((await panel.locator('#tokenizer').evaluate((select) => (select as HTMLSelectElement).value)), model ? `model:${path.basename(model)}` : 'builtin:r50k_base');
  await vs.screenshot('tokenizer-1-tokens-default');

  // GPT-2 from the panel's own picker.
  await panel.locator('#tokenizer').click();
  await panel.locator('#tokenizer li.option', { hasText: 'GPT-2 (r50k_base)' }).click();
  const expected = gpt2.encode(SELECTED);
  await waitForIds(panel, expected, vs);
  const upon = panel.locator('token-chips .chip', { hasText: '·upon' });
  assert.equal(await upon.count(), 1, 'GPT-2 has " upon" as one token, drawn with a visible space');
  assert.equal(await upon.locator('.id').textContent(), '2402');
  assert.equal(await upon.locator('.hex').textContent(), '20 75 70 6f 6e');
  // Hovering a chip highlights its range in the editor.
  await panel.locator('token-chips .chip').nth(3).hover();
  await vs.screenshot('tokenizer-2-tokens-gpt2-hover');

  // cl100k_base through the command and its quick pick, then o200k_base in the panel.
  await vs.runCommandAndPick('LLM Pipeline: Choose Tokenizer...', 'cl100k_base');
  await waitForIds(panel, cl100kBase.encode(SELECTED), vs);
  await panel.locator('#tokenizer').click();
  await panel.locator('#tokenizer li.option', { hasText: 'o200k_base' }).click();
  await waitForIds(panel, o200kBase.encode(SELECTED), vs);
  await vs.screenshot('tokenizer-3-tokens-o200k');

  await openTab(panel, 'compare');
  const rows = panel.locator('compare-view tbody tr');
  await rows.nth(model ? 3 : 2).waitFor({ timeout: vs.timeoutMs });
  const counts = await rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-tokenizer'), Number(tr.querySelector('td.num')?.textContent)]));
  assert.deepEqual(counts, [
    ...(model ? [[`model:${path.basename(model)}`, defaultIds.length]] : []),
    ['builtin:r50k_base', gpt2.encode(SELECTED).length],
    ['builtin:cl100k_base', cl100kBase.encode(SELECTED).length],
    ['builtin:o200k_base', o200kBase.encode(SELECTED).length],
  ]);
  await vs.screenshot('tokenizer-4-compare');

  // Back on GPT-2, clicking the chip "izer" opens the merges of its word, " tokenizer".
  await panel.locator('#tokenizer').click();
  await panel.locator('#tokenizer li.option', { hasText: 'GPT-2 (r50k_base)' }).click();
  await openTab(panel, 'tokens');
  await waitForIds(panel, expected, vs);
  await panel.locator('token-chips .chip').filter({ has: panel.locator('.text', { hasText: /^izer$/ }) }).click();
  const parts = panel.locator('bpe-view .parts .part');
  await parts.first().waitFor({ timeout: vs.timeoutMs });
  assert.equal(await parts.count(), ' tokenizer'.length, 'step 0: one part per byte');
  await panel.locator('bpe-view #next-step').click();
  await panel.locator('bpe-view #next-step').click();
  await panel.locator('bpe-view .parts[data-step="2"]').waitFor({ timeout: vs.timeoutMs });
  await vs.screenshot('tokenizer-5-bpe-step-2');
  await panel.locator('bpe-view .player').focus();
  await vs.page.keyboard.press('End');
  const merges = await panel.locator('bpe-view ol li').count();
  await panel.locator(`bpe-view .parts[data-step="${merges}"]`).waitFor({ timeout: vs.timeoutMs });
  assert.deepEqual(
    await panel.locator('bpe-view .parts .part .id').allTextContents(),
    gpt2.encode(' tokenizer').map(String),
    'the last step ends at the tokenizer\'s own encoding',
  );
  await vs.screenshot('tokenizer-6-bpe-done');

  await openTab(panel, 'chat');
  await panel.locator('chat-view pre.rendered').waitFor({ timeout: vs.timeoutMs });
  const special = panel.locator('chat-view pre.rendered mark.special');
  await special.first().waitFor({ timeout: vs.timeoutMs });
  assert.match((await special.first().textContent()) ?? '', /<\|endoftext\|>50256/);
  await vs.screenshot('tokenizer-7-chat-template');
});

e2e('token boundaries on the file and the status-bar count', async (vs) => {
  await vs.openWorkspace({ 'story.txt': STORY });
  await vs.openFile('story.txt', SELECTED);
  await vs.runCommandAndPick('LLM Pipeline: Choose Tokenizer...', 'GPT-2 (r50k_base)');
  const count = gpt2.encode(SELECTED).length;
  await vs.page.locator('.statusbar-item', { hasText: `${count} tokens` }).waitFor({ timeout: vs.timeoutMs });

  // The boundaries are drawn after a short pause (they follow the selection): on the first line,
  // one box per GPT-2 token of it, every other token in the other colour.
  const first = SELECTED.split('\n')[0];
  const ids = gpt2.encode(SELECTED);
  const expected: [number, number][] = [];
  for (let start = 0, i = 0; ; i++) {
    const end = start + gpt2.decode([ids[i]]).length;
    if (end > first.length) break;
    expected.push([start, end]);
    start = end;
  }
  await vs.runCommand('LLM Pipeline: Toggle Token Boundaries');
  let drawn = await boundariesOnLine(vs, first);
  for (const deadline = Date.now() + vs.timeoutMs; drawn.columns.length < expected.length && Date.now() < deadline; ) {
    await vs.page.waitForTimeout(250);
    drawn = await boundariesOnLine(vs, first);
  }
  assert.deepEqual(drawn.columns, expected, 'a box per token of the line, at its columns');
  assert.equal(new Set(drawn.styles).size, 2, 'two alternating colours');
  assert.ok(drawn.styles.every((style, i) => i === 0 || style !== drawn.styles[i - 1]), 'neighbouring tokens differ in colour');
  await vs.screenshot('tokenizer-8-boundaries-selection');
  await vs.page.keyboard.press('ArrowDown');
  await vs.page.locator('.statusbar-item', { hasText: `${count} tokens` }).waitFor({ state: 'hidden', timeout: vs.timeoutMs });
  await vs.page.waitForTimeout(1500);
  await vs.screenshot('tokenizer-9-boundaries-visible-lines');
  await vs.runCommand('LLM Pipeline: Toggle Token Boundaries');
});
