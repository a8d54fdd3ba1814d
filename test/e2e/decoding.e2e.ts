// Step 3 in the real workbench: select the start of a story, run "LLM Pipeline: Decoding
// Playground" from the palette, press "Next" a few times, change the temperature and top-k and
// watch the bars, pick a bar with the keyboard, compare greedy / sampled / beam search, look at
// the KV cache, and insert the continuation into the file. The first bar is checked against the
// engine run on the bundled model. Screenshots go to test-results/screenshots/.
import * as assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import { bundledModelFolder } from '../../extension/model/bundledModel';
import { nextTokenDistribution, startDecoding } from '../../extension/engine/generate/decodeSession';
import { openModelFolder } from '../../extension/engine/runtime/openModelFolder';
import { loadTokenizerFile } from '../../extension/engine/tokenizer/loadTokenizerFile';
import { repoRoot } from '../harness/paths';
import { STORY, SELECTED, waitForTokens } from './decodingFixtures';
import { e2e, type E2E } from './framework';

/** Sets a number box of the sampler (its change event fires on Enter). */
async function setKnob(panel: FrameLocator, id: string, value: string): Promise<void> {
  const input = panel.locator(`sampler-controls input#${id}`);
  await input.fill(value);
  await input.press('Enter');
}

async function cutRows(panel: FrameLocator): Promise<number> {
  return panel.locator('probability-bars g.row.cut').count();
}

async function waitForCut(panel: FrameLocator, accept: (cut: number) => boolean, vs: E2E): Promise<number> {
  const deadline = Date.now() + vs.timeoutMs;
  for (;;) {
    const cut = await cutRows(panel);
    if (accept(cut)) return cut;
    if (Date.now() > deadline) throw new Error(`the bars never showed the expected cut rows (last: ${cut})`);
    await vs.page.waitForTimeout(100);
  }
}

e2e('decoding playground: bars, Next, temperature and top-k, keyboard pick, beam search, KV cache, insert', async (vs) => {
  const folder = bundledModelFolder(repoRoot);
  assert.ok(folder, 'a model is bundled under models/');
  await vs.openWorkspace({ 'story.txt': STORY });
  await vs.openFile('story.txt', SELECTED);
  await vs.runCommand('LLM Pipeline: Decoding Playground');
  const panel = vs.webview();
  const rows = panel.locator('probability-bars g.row');
  await rows.nth(19).waitFor({ timeout: vs.timeoutMs });

  // The first bar is the engine's most probable next token under the default settings.
  const { model } = await openModelFolder(folder);
  const tokenizer = await loadTokenizerFile(folder);
  try {
    const state = await startDecoding(model, tokenizer.encodeIds(SELECTED), { sampler: { temperature: 0.8, topP: 0.95 }, maxNewTokens: 1 });
    const top = nextTokenDistribution(state, 20).trace.candidates[0].token;
    assert.equal(await rows.first().getAttribute('data-token'), String(top));
  } finally {
    await model.release();
  }
  await vs.screenshot('decoding-1-opened');

  for (let i = 1; i <= 3; i++) {
    await panel.locator('vscode-button#next').click();
    await waitForTokens(panel, i, vs);
  }
  await vs.screenshot('decoding-2-after-three-next');

  // Temperature 0 is greedy: every bar but the first is cut.
  await setKnob(panel, 'temperature', '0');
  await waitForCut(panel, (cut) => cut === 19, vs);
  await vs.screenshot('decoding-3-temperature-0');

  // A hot temperature with top-k 5 (top-p off, so only top-k cuts): exactly the 15 bars below the
  // fifth are cut, each by top-k, and the five above them are not.
  await setKnob(panel, 'temperature', '1.5');
  await setKnob(panel, 'topP', '1');
  await setKnob(panel, 'topK', '5');
  await waitForCut(panel, (cut) => cut === 15, vs);
  for (let i = 0; i < 20; i++) {
    const value = (await rows.nth(i).locator('.value').textContent()) ?? '';
    if (i < 5) assert.doesNotMatch(value, /cut by/, `bar ${i + 1}: ${value}`);
    else assert.match(value, /cut by top-k/, `bar ${i + 1}: ${value}`);
  }
  await vs.screenshot('decoding-4-temperature-1.5-top-k-5');

  // Keyboard: focus the bars, move to the second candidate, choose it. Its label is read before
  // the choice redraws the bars; the token added is that one.
  const secondLabel = await rows.nth(1).locator('.label').textContent();
  assert.ok(secondLabel);
  await panel.locator('probability-bars svg').focus();
  await vs.page.keyboard.press('ArrowDown');
  await vs.page.keyboard.press('Enter');
  await waitForTokens(panel, 4, vs);
  assert.equal(await panel.locator('generated-text g.token.forced').count(), 1, 'the chosen token is marked as picked');
  const picked = (await panel.locator('generated-text g.token.forced text').allTextContents()).join('');
  // A bar writes whitespace as visible marks (extension/decoding/tokenLabels.ts); the text as it is.
  const visible: Record<string, string> = { ' ': '·', '\t': '→', '\n': '↵', '\r': '␍' };
  assert.equal([...picked].map((ch) => visible[ch] ?? ch).join(''), secondLabel, 'the token added is the second bar\'s');
  await vs.screenshot('decoding-5-picked-with-keyboard');

  await panel.locator('vscode-button#back').click();
  await waitForTokens(panel, 3, vs);

  await panel.locator('#tab-compare').click();
  await panel.locator('beam-tree svg').waitFor({ timeout: vs.timeoutMs });
  assert.equal(await panel.locator('compare-columns article').count(), 3);
  await vs.screenshot('decoding-6-greedy-sampled-beam');
  await panel.locator('beam-tree').scrollIntoViewIfNeeded();
  assert.ok((await panel.locator('beam-tree .node.kept').count()) > 0, 'the tree shows kept beams');
  await vs.screenshot('decoding-7-beam-tree');

  await panel.locator('#tab-cache').click();
  await panel.locator('cache-chart svg').waitFor({ timeout: vs.timeoutMs });
  assert.equal(await panel.locator('cache-chart rect.token').count(), 3 + 1, 'three token bars and the legend swatch');
  await vs.screenshot('decoding-8-kv-cache');

  // "Insert at cursor" puts the three generated tokens right after the selection in story.txt.
  await panel.locator('#tab-next').click();
  const generated = (await panel.locator('generated-text g.token text').allTextContents()).join('').replace(/↵/g, '\n');
  const firstLine = (SELECTED + generated).split('\n')[0];
  await panel.locator('vscode-button#insert').click();
  const lines = vs.page.locator('.editor-instance .view-lines');
  const deadline = Date.now() + vs.timeoutMs;
  let shown = '';
  while (!shown.startsWith(firstLine)) {
    shown = ((await lines.locator('.view-line').first().textContent()) ?? '').replace(/\u00a0/g, ' ');
    if (Date.now() > deadline) assert.equal(shown, firstLine, 'the first line of story.txt after the insert');
    await vs.page.waitForTimeout(100);
  }
  await vs.screenshot('decoding-9-inserted');
});
