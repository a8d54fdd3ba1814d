// The training panel's Architecture choice in the real workbench: "Train on This" on a story, the
// Llama-style architecture chosen in the form (the preset table shows its parameter count), a short
// run started, and the run view names the architecture it trains until the run finishes.
// Screenshots: test-results/screenshots/train-llama-*.png.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { readModelFolder } from '../../extension/engine/modelFolder/readModelFolder';
import { MODEL_PRESETS } from '../../extension/engine/train/options';
import { llamaLike, totalParameters } from '../../extension/engine/train/trainableConfig';
import { count } from '../../webviews/training/format';
import { repoRoot } from '../harness/paths';
import { e2e } from './framework';

const STORY = 'Once upon a time, there was a little girl named Lily. She loved to play outside in the park.\n'.repeat(40);
const LLAMA = 'Llama-style (RMSNorm, RoPE, SwiGLU, grouped-query attention)';

e2e('the training panel trains the Llama-style architecture and says so', async (vs) => {
  await vs.openWorkspace({ 'story.txt': STORY });
  await vs.openFile('story.txt');
  await vs.runCommand('LLM Pipeline: Train on This');
  const panel = vs.webview();
  await panel.locator('run-form fieldset', { hasText: 'story.txt' }).waitFor({ timeout: vs.timeoutMs });

  await panel.locator('run-form select[aria-label="Architecture"]').selectOption({ label: LLAMA });
  // The selected preset (tiny, on the active model's tokenizer) shows the Llama's parameter count.
  const vocab = readModelFolder(path.join(repoRoot, 'models', 'tinystories-1m')).gpt2?.gpt.vocab_size ?? 0;
  const parameters = totalParameters(llamaLike(MODEL_PRESETS.tiny, vocab));
  await panel.locator('run-form tr.selected td', { hasText: count(parameters) }).waitFor({ timeout: vs.timeoutMs });

  const length = panel.locator('run-form input[aria-label="Length"]');
  await length.fill('12');
  await length.press('Tab');
  await vs.screenshot('train-llama-1-form');
  await panel.locator('run-form vscode-button', { hasText: 'Start Training' }).click();
  await panel.locator('run-monitor strong[role="status"]', { hasText: 'Finished' }).waitFor({ timeout: 5 * 60_000 });
  const line = panel.locator('run-monitor .muted', { hasText: 'Training Llama-style' });
  await line.waitFor({ timeout: vs.timeoutMs });
  // The run did the 12 steps the form asked for (the form's Length reached the host).
  await panel.locator('run-monitor span', { hasText: 'step 12 of 12' }).waitFor({ timeout: vs.timeoutMs });
  assert.equal(await line.count(), 1);
  // PyTorch export (a GPT-2 script) is not offered for a Llama run.
  assert.equal(await panel.locator('run-monitor vscode-button', { hasText: 'Export to PyTorch' }).count(), 0);
  await line.scrollIntoViewIfNeeded();
  await vs.screenshot('train-llama-2-finished');
}, { timeoutMs: 8 * 60_000 });
