// Step 8's efficiency panels in the real workbench. Speculative Decoding: the panel trains a
// 1-layer draft for the bundled model in the training worker, then decodes; the output is drawn
// coloured by source, with the acceptance rate, the speed-up and the check against greedy.
// Plot Forgetting: the shipped curves on opening (and the note that says so), then a short run of
// the user's own fine-tuning the bundled model on Tiny Shakespeare, drawn and saved.
// Screenshots: test-results/screenshots/efficiency-*.png.
import * as assert from 'node:assert/strict';
import { e2e } from './framework';

e2e('Speculative Decoding trains a draft, decodes, and shows accepted and corrected tokens against greedy', async (vs) => {
  await vs.openWorkspace({ 'notes.txt': 'efficiency\n' });
  await vs.runCommand('LLM Pipeline: Speculative Decoding');
  const panel = vs.webview();
  await panel.locator('.row strong', { hasText: 'tinystories-1m' }).waitFor({ timeout: vs.timeoutMs });
  await panel.locator('vscode-button', { hasText: 'Train a 1-Layer Draft' }).click();
  await panel.locator('.draft-name', { hasText: /last$/ }).waitFor({ timeout: 12 * 60_000 });

  await panel.locator('vscode-button.run').click();
  const verdict = panel.locator('.result .verdict');
  await verdict.waitFor({ timeout: 5 * 60_000 });
  assert.match((await verdict.textContent()) ?? '', /equals tinystories-1m's own greedy output/);
  assert.ok((await panel.locator('.result .text .span.corrected, .result .text .span.bonus').count()) > 0, 'the target adds a token every round');
  assert.match((await panel.locator('.result dd.acceptance').textContent()) ?? '', /^\d+\.\d% \(\d+\/\d+, k = 4\)$/);
  assert.match((await panel.locator('.result dd.speedup').textContent()) ?? '', /^×\d+\.\d\d$/);
  await vs.screenshot('efficiency-1-speculative');
}, { timeoutMs: 20 * 60_000 });

e2e('Plot Forgetting shows the shipped curves, then a run of the user\'s own with and without replay', async (vs) => {
  await vs.openWorkspace({ 'notes.txt': 'efficiency\n' });
  await vs.runCommand('LLM Pipeline: Plot Forgetting (Continual Learning)');
  const panel = vs.webview();
  await panel.locator('.source', { hasText: 'Showing the result shipped with the walkthrough' }).waitFor({ timeout: vs.timeoutMs });
  // Two curves (no replay, replay ρ = 0.25) on each chart.
  assert.equal(await panel.locator('line-chart#old svg path.line').count(), 2);
  assert.equal(await panel.locator('line-chart#new svg path.line').count(), 2);
  await vs.screenshot('efficiency-2-forgetting-shipped');

  const steps = panel.locator('vscode-textfield[aria-label="Steps"] input');
  await steps.fill('20');
  await steps.press('Enter');
  await steps.blur();
  await panel.locator('vscode-button.run').click();
  await panel.locator('.source', { hasText: 'Measuring now' }).waitFor({ timeout: vs.timeoutMs });
  await panel.locator('.source', { hasText: 'Your last run' }).waitFor({ timeout: 12 * 60_000 });
  assert.equal(await panel.locator('line-chart#old svg path.line').count(), 2);
  const lastSteps = await panel.locator('table tbody tr td:nth-child(2)').allTextContents();
  assert.deepEqual(lastSteps, ['20', '20']);
  await vs.screenshot('efficiency-3-forgetting-run');
}, { timeoutMs: 20 * 60_000 });
