// Step 5's context window in the real workbench: select a passage longer than the bundled model's
// window, choose "Show Context Window" from the editor's context menu, and see the bar: the
// selection as the question, the answer room, and the red strip of what had to be cut, with the
// kept and total token counts. Screenshot: test-results/screenshots/context-window-*.png.
import * as assert from 'node:assert/strict';
import { e2e } from './framework';

const LINES = Array.from({ length: 24 }, (_, i) => `On day ${i + 1}, the little dog ran to the park and found a red ball under the big tree.`);
const STORY = `${LINES.join('\n')}\n`;

e2e('Show Context Window from the editor context menu lays a long selection out in the window and shows what is cut', async (vs) => {
  await vs.openWorkspace({ 'story.txt': STORY });
  await vs.openFile('story.txt', { start: [1, 1], end: [LINES.length, LINES[LINES.length - 1].length + 1] });
  // A right click inside the selection keeps it; the menu lists the extension's commands by title.
  // The click goes to the last selected line, where the cursor is and so always on screen: Monaco
  // reuses its line elements, and the first in the DOM can be the empty line after the selection,
  // where a right click moves the cursor and the command then sees no selection.
  const lastLine = new RegExp(`^On\\sday\\s${LINES.length},`);
  await vs.page.locator('.editor-instance .view-line', { hasText: lastLine }).click({ button: 'right', position: { x: 30, y: 5 } });
  await vs.page.locator('#status\\.editor\\.selection', { hasText: 'selected)' }).waitFor({ timeout: vs.timeoutMs });
  const item = vs.page.locator('.monaco-menu .action-label', { hasText: 'Show Context Window' });
  await item.click();
  // A click that lands while the menu is still settling only focuses the item (a fresh-clone run
  // left the menu open, the item highlighted): Enter then runs it. The menu closes once it has run,
  // so the command never runs twice.
  await item.waitFor({ state: 'hidden', timeout: 2_000 }).catch(() => vs.page.keyboard.press('Enter'));

  const panel = vs.webview();
  await panel.locator('context-bar .bar').waitFor({ timeout: vs.timeoutMs });
  await panel.getByText(/tokens too many/).waitFor({ timeout: vs.timeoutMs });
  const row = panel.getByText(/Question: \d+ of \d+ tokens kept/).first();
  const [kept, total] = (/(\d+) of (\d+)/.exec((await row.textContent()) ?? '') ?? []).slice(1).map(Number);
  assert.ok(kept > 0 && kept < total, `kept ${kept} of ${total}`);
  // The bundled model's window is 256 tokens and 64 are held for the answer.
  assert.equal(kept, 256 - 64);
  await vs.screenshot('context-window-overflow');
});
