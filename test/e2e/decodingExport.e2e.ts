// Step 3 in the real workbench, continued: the Decoding Playground's views saved as PNG and SVG
// through the save dialog. (Restoring a session after a reload is covered by the replay unit test
// in test/unit/decodingSession.test.ts.) Screenshots go to test-results/screenshots/.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { STORY, SELECTED, waitForTokens } from './decodingFixtures';
import { e2e, saveThroughDialog } from './framework';

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

    const png = await saveThroughDialog(vs, panel.locator('[data-export="bars-png"]'), path.join(workspace, 'decoding-bars.png'));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
    const svgText = (await saveThroughDialog(vs, panel.locator('[data-export="text-svg"]'), path.join(workspace, 'decoding-text.svg'))).toString('utf8');
    assert.match(svgText, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.ok(!svgText.includes('var(--vscode'), 'theme colours are written out, not left as CSS variables');
    for (const token of tokens) assert.ok(svgText.includes(token.replace(/&/g, '&amp;').replace(/</g, '&lt;')), `the SVG holds the token ${token}`);
    await vs.screenshot('decoding-10-exported');
  },
  { timeoutMs: 10 * 60_000 },
);
