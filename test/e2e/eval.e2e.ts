// Step 7 in the real workbench: Show Surprise on a story (shading, the status bar's perplexity, a
// hover with the model's alternatives), its status bar item opening the Calibration panel's
// reliability diagram (saved as SVG and PNG), and an eval suite run from the Test Explorer, one
// test passing and one failing. Screenshots go to test-results/screenshots/.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { e2e, saveThroughDialog } from './framework';

const STORY = 'Once upon a time, there was a little girl named Lily. She loved to play with her red ball in the park. One day, the ball rolled into a purple volcano.\n';
const SUITE = JSON.stringify(
  {
    name: 'story checks',
    tests: [
      { kind: 'expect', name: 'once upon a time', prompt: 'Once upon a', expected: ' time' },
      { kind: 'expect', name: 'the sky is likely', prompt: 'She looked up at the big blue', expected: ' sky', mode: 'logprob', minLogProb: -0.5 },
    ],
  },
  null,
  2,
);

e2e('Show Surprise shades a story with a hover; an eval suite runs in the Test Explorer', async (vs) => {
  const workspace = await vs.openWorkspace({ 'story.txt': STORY, 'story.llmeval.json': SUITE });
  await vs.openFile('story.txt');
  const status = vs.page.locator('.statusbar-item', { hasText: /PPL [0-9.]+ · [0-9.]+ bits\/byte/ });
  await vs.runCommandUntil('LLM Pipeline: Show Surprise', status);

  // The cursor on "volcano", then the hover.
  await vs.page.locator('.editor-instance .monaco-editor .view-lines').click();
  await vs.page.keyboard.press('Control+G');
  const input = vs.page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: vs.timeoutMs });
  await input.fill(`:1:${STORY.indexOf('volcano') + 3}`);
  await vs.page.keyboard.press('Enter');
  await vs.page.locator('#status\\.editor\\.selection', { hasText: `Col ${STORY.indexOf('volcano') + 3}` }).waitFor({ timeout: vs.timeoutMs });
  const hover = vs.page.locator('.monaco-hover', { hasText: 'surprise −ln p' });
  await vs.runCommandUntil('Show or Focus Hover', hover);
  assert.match((await hover.textContent()) ?? '', /rank \d+/);
  assert.match((await hover.textContent()) ?? '', /the model expected/);
  await vs.screenshot('eval-1-surprise-hover');
  await vs.page.keyboard.press('Escape');

  // The status bar item opens the reliability diagram of the same scoring pass.
  await status.click();
  const panel = vs.webview();
  const bars = panel.locator('reliability-diagram rect.bar');
  await bars.first().waitFor({ timeout: vs.timeoutMs });
  const figures = (await panel.locator('p.figures').textContent()) ?? '';
  assert.match(figures, /predictions · first choice right [0-9.]+% of the time \(top-1 accuracy\) · expected calibration error 0\.[0-9]{4}/);
  await bars.first().focus();
  assert.match((await bars.first().getAttribute('aria-label')) ?? '', /^confidence 0\.[0-9]{2} to 0\.[0-9]{2}: \d+ predictions/);
  await vs.screenshot('eval-3-calibration');
  const svgText = (await saveThroughDialog(vs, panel.locator('[data-export="svg"]'), path.join(workspace, 'reliability.svg'))).toString('utf8');
  assert.match(svgText, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(!svgText.includes('var(--vscode'), 'theme colours are written out, not left as CSS variables');
  assert.equal(svgText.match(/<rect[^>]*class="bar"|<rect[^>]*role="img"/g)?.length, await bars.count());
  const png = await saveThroughDialog(vs, panel.locator('[data-export="png"]'), path.join(workspace, 'reliability.png'));
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');

  // The suite in the Test Explorer, run from it.
  await vs.runCommand('Testing: Focus on Test Explorer View');
  const explorer = vs.page.locator('.test-explorer');
  await explorer.locator('.monaco-list-row', { hasText: 'story checks' }).waitFor({ timeout: vs.timeoutMs });
  await vs.runCommand('Test: Run All Tests');
  await explorer.locator('.monaco-list-row', { hasText: 'story checks' }).click();
  await vs.page.keyboard.press('ArrowRight');
  const passed = explorer.locator('.monaco-list-row', { hasText: 'once upon a time' }).locator('.codicon-testing-passed-icon');
  const failed = explorer.locator('.monaco-list-row', { hasText: 'the sky is likely' }).locator('.codicon-testing-failed-icon');
  await passed.waitFor({ timeout: vs.timeoutMs });
  await failed.waitFor({ timeout: vs.timeoutMs });
  await vs.screenshot('eval-2-test-explorer');
});
