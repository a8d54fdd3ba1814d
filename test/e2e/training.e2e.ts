// Step 4 in the real workbench: the walkthrough's "Try it" trains a tiny GPT on the shipped sample;
// the loss curve gets points, the gradient heatmap fills, a sample appears and the run finishes;
// "Use in Inspectors" makes its best checkpoint the active model, and Inspect Attention runs on it.
// Screenshots: test-results/screenshots/training-*.png.
import * as assert from 'node:assert/strict';
import { MODEL_PRESETS } from '../../extension/engine/train/options';
import { DEFAULT_SETTINGS } from '../../extension/train/runOptions';
import { e2e } from './framework';
import { expandStep, openWalkthrough, walkthrough } from './walkthroughSteps';

const tiny = MODEL_PRESETS[DEFAULT_SETTINGS.preset];

e2e('"Try it" trains a tiny model on the sample live; its checkpoint becomes the model Inspect Attention shows', async (vs) => {
  await openWalkthrough(vs);
  const step = walkthrough?.steps.find((s) => s.id === 'training');
  assert.ok(step);
  await expandStep(vs, step);
  await vs.page.locator('.getting-started-step.expanded .button-container a.monaco-button', { hasText: /^Try it: train a tiny model/ }).click();

  const panel = vs.webview();
  const lossPath = panel.locator('run-monitor line-chart#loss svg path.line.blue');
  await lossPath.waitFor({ timeout: vs.timeoutMs });
  await panel.locator('run-monitor .sample').first().waitFor({ timeout: vs.timeoutMs });
  await panel.locator('layer-heatmap rect.cell').first().waitFor({ timeout: vs.timeoutMs });
  await vs.screenshot('training-1-running');

  await panel.locator('run-monitor strong[role="status"]', { hasText: 'Finished' }).waitFor({ timeout: 10 * 60_000 });
  // One path segment per drawn step: the curve covers the run.
  const segments = ((await lossPath.getAttribute('d')) ?? '').split('L').length;
  assert.ok(segments > 20, `the loss curve has ${segments} points`);
  const heatmapRows = await panel.locator('layer-heatmap svg > text').allTextContents();
  assert.deepEqual(heatmapRows.slice(0, tiny.n_layer + 2), ['embeddings', ...Array.from({ length: tiny.n_layer }, (_, i) => `block ${i}`), 'final norm']);
  const samples = await panel.locator('run-monitor .sample').allTextContents();
  assert.ok(samples.every((s) => s.includes(DEFAULT_SETTINGS.samplePrompt)), 'samples continue the fixed prompt');
  await panel.locator('run-monitor h3', { hasText: 'Checkpoints' }).scrollIntoViewIfNeeded();
  await vs.screenshot('training-2-finished');

  const best = panel.locator('run-monitor .row', { hasText: /best: step/ });
  await best.locator('vscode-button', { hasText: 'Use in Inspectors' }).click();
  await best.getByText('in use by the inspectors').waitFor({ timeout: vs.timeoutMs });

  await vs.openFile('notes.txt', 'A file, so that the window has a folder.');
  await vs.runCommand('LLM Pipeline: Inspect Attention');
  const attention = vs.webview();
  // The attention panel draws the heads first; its Model tab says which model drew them.
  await attention.locator('head-grid .cell').first().waitFor({ timeout: vs.timeoutMs });
  await attention.locator('vscode-tab-header[data-tab="model"]').click();
  const folder = attention.locator('model-facts dd[data-fact="factFolder"]');
  await folder.waitFor({ timeout: vs.timeoutMs });
  assert.match((await folder.textContent()) ?? '', /runs\/[\w-]+stories-txt-walkthrough-sample\/best$/);
  assert.equal(await attention.locator('model-facts dd[data-fact="factLayers"]').textContent(), String(tiny.n_layer));
  assert.equal(await attention.locator('model-facts dd[data-fact="factEmbeddingDim"]').textContent(), String(tiny.n_embd));
  await vs.screenshot('training-3-attention-on-checkpoint');
}, { timeoutMs: 20 * 60_000 });
