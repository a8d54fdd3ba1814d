// Step 2 in the real workbench: select a story, run "LLM Pipeline: Inspect Attention" from the
// palette, move between heads with the keyboard and the mouse, choose a token (its attention is
// drawn on the file), visit every tab, save a view as PNG and SVG through the save dialog, and
// reload the window to see the panel come back. Token IDs are checked against the model's own
// tokenizer. Screenshots go to test-results/screenshots/attention-*.png.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Locator } from 'playwright-core';
import { loadTokenizerFile } from '../../extension/engine/tokenizer/loadTokenizerFile';
import { bundledModelFolder } from '../../extension/model/bundledModel';
import { repoRoot } from '../harness/paths';
import { e2e, RELOAD_TIMEOUT_MS, saveThroughDialog, type E2E } from './framework';
import { writeTinyModel } from '../unit/attentionModelFixture';

const STORY = [
  'Once upon a time, there was a little girl named Lily. She loved to play outside in the park.',
  'One day, she saw a big red ball under a tree. Lily ran to the ball and kicked it high.',
  'The ball flew over the fence, and Lily laughed.',
  '',
].join('\n');
const SELECTED = 'Once upon a time, there was a little girl named Lily. She loved to play outside in the park.\nOne day, she saw a big red ball under a tree.';

async function tokenIds(panel: FrameLocator, count: number, vs: E2E): Promise<number[]> {
  const tokens = panel.locator('token-strip .token');
  await tokens.nth(count - 1).waitFor({ timeout: vs.timeoutMs });
  return tokens.evaluateAll((nodes) => nodes.map((n) => Number(/ID (\d+)$/.exec(n.getAttribute('aria-label') ?? '')?.[1])));
}

/** Waits until `canvas` holds at least `atLeast` distinct colours (a blank canvas holds one), and returns how many. */
async function drawnColours(canvas: Locator, atLeast: number, vs: E2E): Promise<number> {
  await canvas.waitFor({ timeout: vs.timeoutMs });
  const count = () =>
    canvas.evaluate((node) => {
      const c = node as HTMLCanvasElement;
      const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
      const seen = new Set<number>();
      for (let i = 0; i < data.length; i += 4) seen.add(((data[i] << 24) | (data[i + 1] << 16) | (data[i + 2] << 8) | data[i + 3]) >>> 0);
      return seen.size;
    });
  const deadline = Date.now() + vs.timeoutMs;
  let seen = await count();
  while (seen < atLeast && Date.now() < deadline) {
    await vs.page.waitForTimeout(250);
    seen = await count();
  }
  return seen;
}

async function openTab(panel: FrameLocator, id: string): Promise<void> {
  await panel.locator(`vscode-tab-header[data-tab="${id}"]`).click();
}

e2e('inspect attention on a selection: heads, a chosen token on the file, every view, export, reload', async (vs) => {
  const bundled = bundledModelFolder(repoRoot);
  const folder = await vs.openWorkspace({ 'story.txt': STORY });
  // Without a bundled model the test brings a small random one and chooses it from the palette.
  const model = bundled ?? writeTinyModel(path.join(folder, 'tiny-gpt2'), { n_positions: 128 }).dir;
  if (!bundled) {
    await vs.runCommandAndPick('LLM Pipeline: Choose Model Folder...', 'tiny-gpt2');
  }
  await vs.openFile('story.txt', SELECTED);
  await vs.runCommand('LLM Pipeline: Inspect Attention');
  const panel = vs.webview();

  const tokenizer = await loadTokenizerFile(model);
  const expected = tokenizer.encodeIds(SELECTED);
  assert.deepEqual(await tokenIds(panel, expected.length, vs), expected);
  const config = JSON.parse(fs.readFileSync(path.join(model, 'config.json'), 'utf8')) as { n_layer: number; n_head: number };
  const cells = panel.locator('head-grid .cell');
  await cells.nth(config.n_layer * (config.n_head + 1) - 1).waitFor({ timeout: vs.timeoutMs });
  assert.equal(await cells.count(), config.n_layer * (config.n_head + 1), 'a cell per head and a mean per layer');
  assert.equal(await panel.locator('head-grid #cell-0-0').getAttribute('aria-selected'), 'true');
  await panel.locator('heatmap-view canvas').waitFor({ timeout: vs.timeoutMs });
  await vs.screenshot('attention-1-heads');

  // Keyboard: arrows move between heads, Enter shows the head large.
  await panel.locator('head-grid #cell-0-0').focus();
  await vs.page.keyboard.press('ArrowDown');
  await vs.page.keyboard.press('ArrowRight');
  await vs.page.keyboard.press('Enter');
  const chosen = panel.locator(`head-grid #cell-${Math.min(1, config.n_layer - 1)}-${Math.min(1, config.n_head - 1)}`);
  await chosen.and(panel.locator('[aria-selected="true"]')).waitFor({ timeout: vs.timeoutMs });
  assert.equal(await panel.locator('heatmap-view canvas').getAttribute('aria-label').then((l) => /head 2/.test(l ?? '')), true);
  // The pointer over a cell reads it out.
  const canvas = panel.locator('heatmap-view canvas');
  const box = await canvas.boundingBox();
  assert.ok(box);
  await canvas.hover({ position: { x: box.width - 90, y: box.height - 20 } });
  await panel.locator('heatmap-view .readout', { hasText: '→' }).waitFor({ timeout: vs.timeoutMs });
  await vs.screenshot('attention-2-layer2-head2');

  // A chosen token: its attention is drawn on the file.
  const lily = expected.length - 3;
  await panel.locator(`token-strip #token-${lily}`).click();
  await panel.locator(`token-strip #token-${lily}[aria-selected="true"]`).waitFor({ timeout: vs.timeoutMs });
  await vs.page.waitForTimeout(500);
  await vs.screenshot('attention-3-token-on-the-file');

  // The mean over heads in the lines view.
  await openTab(panel, 'lines');
  await panel.locator('#mean-heads').click();
  await panel.locator('head-grid .cell.mean[aria-selected="true"]').waitFor({ state: 'attached', timeout: vs.timeoutMs });
  const lines = panel.locator('lines-view canvas');
  assert.ok((await drawnColours(lines, 8, vs)) >= 8, 'the lines view draws lines of several strengths');
  assert.match((await lines.getAttribute('aria-label')) ?? '', /mean/i, 'the lines view shows the mean over heads');
  await vs.screenshot('attention-4-lines-mean');

  await openTab(panel, 'embeddings');
  const plot = panel.locator('embedding-view canvas');
  assert.ok((await drawnColours(plot, 3, vs)) >= 3, 'the scatter plot has points on its background');
  assert.equal(await plot.getAttribute('aria-label'), `Scatter plot of ${expected.length} token embeddings`);
  await vs.screenshot('attention-5-embeddings');

  await openTab(panel, 'lens');
  await panel.locator('lens-view td').first().waitFor({ timeout: vs.timeoutMs });
  assert.equal(await panel.locator('lens-view tbody tr').count(), expected.length);
  // A column per residual stream (the embeddings and after each block), a prediction in every cell.
  assert.equal(await panel.locator('lens-view thead th').count(), 1 + config.n_layer + 1);
  assert.equal(await panel.locator('lens-view tbody td').count(), expected.length * (config.n_layer + 1));
  assert.equal(await panel.locator('lens-view tbody td').filter({ hasText: /^\s*$/ }).count(), 0, 'no empty prediction');
  await vs.screenshot('attention-6-logit-lens');

  await openTab(panel, 'norms');
  const norms = panel.locator('norms-view canvas');
  assert.ok((await drawnColours(norms, 3, vs)) >= 3, 'the norms chart has lines on its background');
  assert.equal(await norms.getAttribute('aria-label'), `Line chart of residual-stream norms over ${config.n_layer + 1} streams for ${expected.length} tokens`);
  await vs.screenshot('attention-7-residual-norms');

  await openTab(panel, 'model');
  assert.equal(await panel.locator('model-facts [data-fact="factLayers"]').textContent(), String(config.n_layer));
  assert.equal(await panel.locator('model-facts [data-fact="factHeads"]').textContent(), String(config.n_head));
  await vs.screenshot('attention-8-model-facts');

  // The panel's button opens the model picker, which lists the model in use and a folder browser.
  await panel.locator('#choose-model').click();
  const rows = vs.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  await rows.filter({ hasText: path.basename(model) }).first().waitFor({ timeout: vs.timeoutMs });
  await rows.filter({ hasText: 'Browse' }).first().waitFor({ timeout: vs.timeoutMs });
  await vs.screenshot('attention-8b-choose-model');
  await vs.page.keyboard.press('Escape');

  // Export through VS Code's save dialog; the files land where the dialog says.
  await openTab(panel, 'heads');
  const png = await saveThroughDialog(vs, panel.locator('.save-png[data-view="heatmap"]'), path.join(folder, 'heatmap.png'));
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const svg = (await saveThroughDialog(vs, panel.locator('.save-svg[data-view="grid"]'), path.join(folder, 'grid.svg'))).toString('utf8');
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /Layer 1/);
  const shots = path.dirname(await vs.screenshot('attention-9-exported'));
  fs.copyFileSync(path.join(folder, 'heatmap.png'), path.join(shots, 'attention-9-exported-heatmap.png'));
  fs.copyFileSync(path.join(folder, 'grid.svg'), path.join(shots, 'attention-9-exported-grid.svg'));

  // After a reload the panel comes back with the same tokens (restored by its serializer).
  await vs.reload();
  const restored = vs.webview();
  await restored.locator('token-strip .token').nth(expected.length - 1).waitFor({ timeout: RELOAD_TIMEOUT_MS });
  assert.deepEqual(await tokenIds(restored, expected.length, vs), expected);
  await vs.screenshot('attention-10-after-reload');
}, { timeoutMs: 20 * 60_000 });
