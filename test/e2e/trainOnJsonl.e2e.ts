// "Train on This" on a .jsonl file while the training panel is open behind it: the panel is
// revealed beside the editor (which reloads its webview), and still switches to the objective the
// file's records need, with the file as its data. Screenshot: test-results/screenshots/train-on-jsonl.png.
import * as assert from 'node:assert/strict';
import { e2e } from './framework';

e2e('Train on This on a .jsonl of preference pairs switches the open training panel to DPO', async (vs) => {
  await vs.openWorkspace({ 'pairs.jsonl': '{"prompt":"Write a story.","chosen":"A dog ran.","rejected":"A dog ran ran ran."}\n' });
  await vs.runCommand('LLM Pipeline: Train a Model');
  await vs.webview().locator('run-form select#f-objective').waitFor({ timeout: vs.timeoutMs });
  // The editor opens in the panel's group, over it.
  await vs.openFile('pairs.jsonl');
  await vs.runCommand('LLM Pipeline: Train on This');
  const panel = vs.webview();
  await panel.locator('run-form fieldset', { hasText: 'pairs.jsonl' }).waitFor({ timeout: vs.timeoutMs });
  await panel.locator('run-form p[role="status"]', { hasText: 'Preference pairs read: 1.' }).waitFor({ timeout: vs.timeoutMs });
  assert.equal(await panel.locator('run-form select#f-objective').inputValue(), 'dpo');
  await vs.screenshot('train-on-jsonl');
});
