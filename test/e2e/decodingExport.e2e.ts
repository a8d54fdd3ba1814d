// Step 3 in the real workbench, continued: the Decoding Playground's views saved as PNG and SVG
// through the save dialog. (Restoring a session after a reload is covered by the replay unit test
// in test/unit/decodingSession.test.ts.) Screenshots go to test-results/screenshots/.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { e2e, type E2E } from './framework';

const STORY = 'Once upon a time, there was a little girl named Lily. She loved to play in the park with her dog.\n';
const SELECTED = 'Once upon a time, there was a little girl named Lily. She loved to';

/** Waits until `count` generated tokens are drawn in the text view. */
async function waitForTokens(panel: FrameLocator, count: number, vs: E2E): Promise<void> {
  const tokens = panel.locator('generated-text g.token');
  const deadline = Date.now() + vs.timeoutMs;
  while ((await tokens.count()) !== count) {
    if (Date.now() > deadline) assert.equal(await tokens.count(), count, 'generated tokens drawn');
    await vs.page.waitForTimeout(100);
  }
}

/** Clicks an export link and accepts the save dialog's suggested file; returns the file's bytes. */
async function exportView(vs: E2E, panel: FrameLocator, link: string, file: string): Promise<Buffer> {
  await panel.locator(`[data-export="${link}"]`).click();
  const input = vs.page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: vs.timeoutMs });
  await vs.page.keyboard.press('Enter');
  const deadline = Date.now() + vs.timeoutMs;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} was never written`);
    await vs.page.waitForTimeout(200);
  }
  return fs.readFileSync(file);
}

e2e(
  'decoding playground: views export as PNG and SVG',
  async (vs) => {
    const workspace = await vs.openWorkspace({ 'story.txt': STORY });
    await vs.openFile('story.txt', SELECTED);
    await vs.runCommand('LLM Pipeline: Decoding Playground');
    const panel = vs.webview();
    await panel.locator('probability-bars g.row').nth(19).waitFor({ timeout: vs.timeoutMs });
    await panel.locator('vscode-button#next').click();
    await waitForTokens(panel, 1, vs);
    await panel.locator('probability-bars g.row').nth(2).click();
    await waitForTokens(panel, 2, vs);
    const tokens = await panel.locator('generated-text g.token text').allTextContents();

    const png = await exportView(vs, panel, 'bars-png', path.join(workspace, 'decoding-bars.png'));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
    const svgText = (await exportView(vs, panel, 'text-svg', path.join(workspace, 'decoding-text.svg'))).toString('utf8');
    assert.match(svgText, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.ok(!svgText.includes('var(--vscode'), 'theme colours are written out, not left as CSS variables');
    for (const token of tokens) assert.ok(svgText.includes(token.replace(/&/g, '&amp;').replace(/</g, '&lt;')), `the SVG holds the token ${token}`);
    await vs.screenshot('decoding-10-exported');
  },
  { timeoutMs: 10 * 60_000 },
);
