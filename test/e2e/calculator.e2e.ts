// Step 8's Model Size Calculator in the real workbench: the palette command opens it on the
// bundled model; choosing "a real architecture" and Llama 3 8B shows its published parameter
// count and its grouped-query KV cache; typed sizes follow each field.
// Screenshots: test-results/screenshots/calculator-*.png.
import { e2e } from './framework';

e2e('the Model Size Calculator sizes the bundled model, Llama 3 8B and typed sizes', async (vs) => {
  await vs.openWorkspace({ 'notes.txt': 'scaling\n' });
  await vs.runCommand('LLM Pipeline: Model Size Calculator');
  const panel = vs.webview();
  const table = panel.locator('sizes-table');
  await table.getByText('1,350,400 (1.35 M)').waitFor({ timeout: vs.timeoutMs });
  await vs.screenshot('calculator-1-bundled');

  await panel.getByLabel('a real architecture').check();
  await panel.locator('select[aria-label="architecture"]').selectOption({ label: 'Llama 3 8B' });
  await table.getByText('8,030,261,248 (8.03 B)').waitFor({ timeout: vs.timeoutMs });
  // 2 · 32 layers · 8 KV heads · 128 · 2 bytes
  await table.getByText('128.0 KiB', { exact: true }).waitFor({ timeout: vs.timeoutMs });
  await vs.screenshot('calculator-2-llama3-8b');

  await panel.getByLabel('typed sizes').check();
  const layers = panel.locator('input[aria-label="layers"]');
  await layers.fill('24');
  await layers.press('Enter');
  await layers.blur();
  await panel.locator('sizes-table h3', { hasText: 'the typed sizes' }).waitFor({ timeout: vs.timeoutMs });
  await table.getByText(/^llama: 24 layers/).waitFor({ timeout: vs.timeoutMs });
  await vs.screenshot('calculator-3-typed');
});
