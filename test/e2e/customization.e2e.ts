// Step 6 in the real workbench: "Compare with LoRA Adapter…" on the bundled model with the shipped
// adapter (picked in VS Code's folder dialog, the selection as the prompt) shows the base and
// adapted continuations side by side; "Compare Quantizations" fills its table with the four
// variants, measured on the first 512 tokens (llmPipeline.quantization.maxTokens) so the run stays
// short on a loaded machine. Screenshots: test-results/screenshots/customization-*.png.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { e2e, pickFolderInDialog } from './framework';

const ADAPTER = path.resolve('walkthroughs', 'lora-sample');
const PROMPT = 'Once upon a time';

e2e('LoRA A/B beside the base model, and the quantization table of the bundled model', async (vs) => {
  await vs.openWorkspace({ 'prompt.txt': `${PROMPT}\n`, '.vscode/settings.json': JSON.stringify({ 'llmPipeline.quantization.maxTokens': 512 }) });
  await vs.openFile('prompt.txt', PROMPT);

  await vs.runCommand('LLM Pipeline: Compare with LoRA Adapter...');
  // The workspace starts the dialog on a listing (its .vscode folder) unlike the adapter folder's.
  await pickFolderInDialog(vs, ADAPTER);

  const preview = vs.webview();
  const cells = preview.locator('table td');
  await cells.nth(1).waitFor({ timeout: 5 * 60_000 });
  const [base, adapted] = await cells.allTextContents();
  assert.ok(base.trim() && adapted.trim(), 'both columns hold a continuation');
  await preview.getByText(`Prompt: ${PROMPT}`).waitFor({ timeout: vs.timeoutMs });
  assert.notEqual(base, adapted, 'the adapter changes the continuation');
  await preview.getByText(/4\.85%/).first().waitFor({ timeout: vs.timeoutMs });
  await vs.screenshot('customization-1-lora-ab');

  await vs.runCommand('LLM Pipeline: Compare Quantizations');
  const lab = vs.webview();
  const rows = lab.locator('quantization-app table.results tbody tr');
  await rows.nth(3).waitFor({ timeout: 10 * 60_000 });
  const variants = await lab.locator('quantization-app table.results tbody tr td:first-child').allTextContents();
  assert.equal(variants.length, 4);
  assert.match((await lab.locator('quantization-app section p.muted').first().textContent()) ?? '', /\b51[12]\b/);
  await vs.screenshot('customization-2-quantization-table');
}, { timeoutMs: 20 * 60_000 });
