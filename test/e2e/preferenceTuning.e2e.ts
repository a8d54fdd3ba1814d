// SFT and DPO in the real workbench. SFT: the objective chosen in the training panel's form, the
// shipped set picked, and the first conversation drawn token by token with the loss mask (legend,
// ARIA labels). DPO: a .jsonl of preference pairs picked with the open dialog, a run started from
// the panel, and its reward accuracy, implicit rewards with their margin and KL to
// the reference are charted live until it finishes.
// Screenshots: test-results/screenshots/preference-*.png.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OBJECTIVE_DEFAULTS } from '../../extension/train/runOptions';
import { repoRoot } from '../harness/paths';
import { e2e, openThroughDialog } from './framework';

/** 40 pairs of the shipped set: the default 10% held out gives 4 pairs to measure. */
const sample = path.join(repoRoot, 'walkthroughs', 'instruct-sample');
const pairs = fs.readFileSync(path.join(sample, 'dpo-train.jsonl'), 'utf8').split('\n').slice(0, 40).join('\n');
const conversations = fs.readFileSync(path.join(sample, 'sft-train.jsonl'), 'utf8').trim().split('\n').length;
const { steps, evalEvery } = OBJECTIVE_DEFAULTS.dpo as { steps: number; evalEvery: number };

e2e('SFT shows its loss mask; a DPO run charts reward accuracy, rewards and KL live', async (vs) => {
  const folder = await vs.openWorkspace({ 'pairs.jsonl': `${pairs}\n` });
  await vs.runCommand('LLM Pipeline: Train a Model');
  const panel = vs.webview();

  await panel.locator('run-form select#f-objective').selectOption('sft');
  await panel.locator('run-form vscode-button', { hasText: 'Shipped Set' }).click();
  const mask = panel.locator('loss-mask');
  await mask.locator('.tok.in').first().waitFor({ timeout: vs.timeoutMs });
  assert.match((await mask.locator('p').first().textContent()) ?? '', new RegExp(`^The conversation on line 1 \\(${conversations} conversations in the file\\), as the run sees it: \\d+ of its \\d+ tokens are in the loss\\.$`));
  const labels = await mask.locator('[role="listitem"]').evaluateAll((items) => items.map((i) => i.getAttribute('aria-label') ?? ''));
  assert.match(labels[0], /^"<\|endoftext\|>": context only$/);
  assert.match(labels.at(-1) ?? '', /^"<\|endoftext\|>": in the loss$/, 'the answer’s end token is learned');
  const firstAnswer = labels.findIndex((l) => l.endsWith('in the loss'));
  assert.ok(firstAnswer > 10 && labels.slice(firstAnswer).every((l) => l.endsWith('in the loss')), 'the prompt is context, the answer after it is in the loss');
  await mask.scrollIntoViewIfNeeded();
  await vs.screenshot('preference-1-sft-mask');

  // DPO on a JSONL file of the workspace, picked with the panel's "JSONL File…" (VS Code's open dialog, a quick input on the web).
  await panel.locator('run-form select#f-objective').selectOption('dpo');
  await openThroughDialog(vs, panel.locator('run-form vscode-button', { hasText: 'JSONL File…' }), path.join(folder, 'pairs.jsonl'));
  const dpoPanel = vs.webview();
  await dpoPanel.locator('run-form fieldset', { hasText: 'pairs.jsonl' }).waitFor({ timeout: vs.timeoutMs });
  await dpoPanel.locator('run-form p[role="status"]', { hasText: 'Preference pairs read: 40.' }).waitFor({ timeout: vs.timeoutMs });
  await dpoPanel.locator('run-form vscode-button', { hasText: 'Start Training' }).click();

  const accuracyDots = dpoPanel.locator('preference-charts line-chart#reward-accuracy svg circle');
  await accuracyDots.first().waitFor({ timeout: vs.timeoutMs });
  await dpoPanel.locator('run-monitor strong[role="status"]', { hasText: 'Finished' }).waitFor({ timeout: 10 * 60_000 });
  // Held out every evalEvery of the run's steps.
  assert.equal(await accuracyDots.count(), steps / evalEvery);
  assert.equal(await dpoPanel.locator('preference-charts line-chart#rewards svg circle').count(), 3 * (steps / evalEvery), 'chosen, rejected and margin at each measurement');
  const kl = (await dpoPanel.locator('preference-charts line-chart#kl svg').getAttribute('aria-label')) ?? '';
  assert.match(kl, /^KL\(πθ ‖ π_ref\) per answer token: \d+\.\d{3} nats\.$/);
  assert.match((await dpoPanel.locator('preference-charts line-chart#reward-accuracy svg').getAttribute('aria-label')) ?? '', /of the 4 held-out pairs rank the chosen answer above the rejected one/);
  await dpoPanel.locator('preference-charts line-chart#kl').scrollIntoViewIfNeeded();
  await vs.screenshot('preference-2-dpo-curves');
}, { timeoutMs: 20 * 60_000 });
