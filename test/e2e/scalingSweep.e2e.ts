// Step 8's Scaling Sweep in the real workbench: the panel opens on the sweep shipped with the
// walkthrough, its log-log plot with the fitted law drawn, and exports that plot as SVG; a
// tiny-budget sweep on the walkthrough sample, started from the form, ends in a fit of its own;
// "Train It and Check" places the predicted size's real loss on the plot, and results.json saves.
// The walkthrough's "Try it" starts the sample sweep, and Stop keeps the runs that finished.
// Screenshots: test-results/screenshots/scaling-sweep-*.png.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { e2e, saveThroughDialog } from './framework';
import { expandStep, openWalkthrough, walkthrough } from './walkthroughSteps';

e2e('the Scaling Sweep plots the shipped fit, sweeps the sample to a fit of its own and checks its prediction', async (vs) => {
  const folder = await vs.openWorkspace({ 'notes.txt': 'scaling\n' });
  await vs.runCommand('LLM Pipeline: Run a Scaling Sweep');
  const panel = vs.webview();
  await panel.getByText(/these are the results shipped with the walkthrough/).waitFor({ timeout: vs.timeoutMs });
  const fitN = panel.locator('scaling-plot#plot-n svg path.fit');
  await fitN.waitFor({ timeout: vs.timeoutMs });
  assert.equal(await panel.locator('scaling-plot#plot-n svg circle.run').count(), 4);
  await panel.getByText('Fit: L(N) = ').waitFor({ timeout: vs.timeoutMs });
  await panel.locator('scaling-plot#plot-n').scrollIntoViewIfNeeded();
  await vs.screenshot('scaling-sweep-1-shipped');

  const svg = (await saveThroughDialog(vs, panel.locator('.save-svg[data-plot="n"]'), path.join(folder, 'loss-vs-n.svg'))).toString('utf8');
  assert.match(svg, /^<svg/);
  assert.ok(svg.includes('stroke-dasharray'), 'the exported plot keeps the dashed fit');

  await panel.locator('vscode-button', { hasText: 'Walkthrough sample' }).click();
  await panel.getByText('stories.txt (walkthrough sample)').waitFor({ timeout: vs.timeoutMs });
  // Widths 8, 12 and 16 at 4 tokens per parameter: 1.47e9 FLOPs.
  const budget = panel.locator('input[aria-label="Compute budget (FLOPs)"]');
  await budget.fill('1.5e9');
  await budget.blur();
  await panel.locator('vscode-button', { hasText: 'Run the Sweep' }).click();
  // The run training now is drawn live, as in the training panel, for as long as the sweep runs.
  await panel.locator('line-chart svg path.line.blue').waitFor({ timeout: 10 * 60_000 });
  await vs.screenshot('scaling-sweep-2-running');
  await panel.getByText(/^Your sweep on stories.txt, saved in /).waitFor({ timeout: 10 * 60_000 });
  await panel.locator('strong', { hasText: 'Finished' }).waitFor({ timeout: 10 * 60_000 });
  await fitN.waitFor({ timeout: vs.timeoutMs });
  assert.equal(await panel.locator('scaling-plot#plot-n svg circle.run').count(), 3);
  await panel.locator('scaling-plot#plot-n').scrollIntoViewIfNeeded();
  await vs.screenshot('scaling-sweep-3-own-fit');

  await panel.locator('vscode-button', { hasText: 'Train It and Check' }).click();
  await panel.getByText(/^Checked: L2-C24 reached/).waitFor({ timeout: 10 * 60_000 });
  await panel.locator('scaling-plot#plot-n svg rect.checked').waitFor({ timeout: vs.timeoutMs });
  await panel.locator('scaling-plot#plot-n').scrollIntoViewIfNeeded();
  await vs.screenshot('scaling-sweep-4-checked');

  const saved = JSON.parse((await saveThroughDialog(vs, panel.locator('.save-results'), path.join(folder, 'results.json'))).toString('utf8'));
  assert.equal(saved.runs.length, 3);
  assert.ok(Number.isFinite(saved.fit.alpha) && saved.check.name === 'L2-C24');
}, { timeoutMs: 20 * 60_000 });

e2e('the walkthrough\'s "Try it" starts a sweep of four widths on the sample, and Stop keeps what finished', async (vs) => {
  // The panel is open and drawn before "Try it": a run of the sample takes about two seconds, less
  // than a new webview can take to load in a busy window, and Stop has to come while runs remain.
  await openWalkthrough(vs);
  await vs.runCommand('LLM Pipeline: Run a Scaling Sweep');
  const panel = vs.webview();
  await panel.getByText(/these are the results shipped with the walkthrough/).waitFor({ timeout: vs.timeoutMs });
  const step = walkthrough?.steps.find((s) => s.id === 'scalingAndTrends');
  assert.ok(step);
  await expandStep(vs, step);
  await vs.page.locator('.getting-started-step.expanded .button-container a.monaco-button', { hasText: /^Try it: a scaling sweep on the sample/ }).click();
  // The panel's defaults for the sample: widths 8, 12, 16 and 24; Stop comes before the last.
  await panel.getByText(/^Run [123] of 4: L2-C/).waitFor({ timeout: 10 * 60_000 });
  await panel.locator('vscode-button', { hasText: 'Stop' }).click();
  await panel.getByText('Stopped: the finished runs are kept and plotted').waitFor({ timeout: 10 * 60_000 });
  await panel.getByText(/^Stopped: \d of the planned sizes finished; they are kept in results.json/).waitFor({ timeout: vs.timeoutMs });
  await vs.screenshot('scaling-sweep-5-try-it-stopped');
}, { timeoutMs: 20 * 60_000 });
