// Step 5 in the real workbench: attach the workspace (the RAG fixture's files) from the palette,
// ask a question in the panel, read the three rankings and which one fed the answer, the context-window bar and the answer with
// its sources; open a chunk, then hide, show and reload the panel and find the question and its
// rankings again. Screenshots go to test-results/screenshots/.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../harness/paths';
import { e2e, RELOAD_TIMEOUT_MS } from './framework';

const FIXTURE = path.join(repoRoot, 'test', 'fixtures', 'rag');

/** The fixture's text files, relative path -> content (the binary logo is left out: openWorkspace writes text). */
function fixtureFiles(dir = FIXTURE, prefix = ''): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) Object.assign(files, fixtureFiles(path.join(dir, entry.name), relative));
    else if (!entry.name.endsWith('.bin')) files[relative] = fs.readFileSync(path.join(dir, entry.name), 'utf8');
  }
  return files;
}

e2e('attach a RAG folder from the palette, ask a question, see rankings, the context window and the answer; hide, show and reload the panel', async (vs) => {
  await vs.openWorkspace(fixtureFiles());
  await vs.runCommandAndPick('LLM Pipeline: Attach RAG Folder...', /^workspace-/);
  const panel = vs.webview();
  // The bundled model's 256-token window holds four sources of (256 - 64) / 5 = 38 tokens beside
  // the answer: the files are cut finer than one chunk each.
  const stats = panel.locator('rag-app p.muted', { hasText: /^6 files, \d+ chunks of at most 38 tokens/ });
  await stats.waitFor({ timeout: vs.timeoutMs });
  assert.ok(Number(/(\d+) chunks/.exec((await stats.textContent()) ?? '')?.[1]) > 6);
  // With the bundled model's hidden states as embedder, the panel offers a real embedding model beside the caveat.
  await panel.locator('rag-app p.notice vscode-button', { hasText: 'Download sentence-transformers/all-MiniLM-L6-v2 (91 MB)' }).waitFor({ timeout: vs.timeoutMs });
  await vs.screenshot('rag-1-attached');

  const box = panel.locator('vscode-textarea textarea');
  await box.click();
  await box.pressSequentially('When does the paraffin for the lamp arrive by boat?');
  await panel.locator('vscode-button', { hasText: 'Retrieve and answer' }).click();
  const bm25First = panel.locator('ranking-list').first().locator('li').first();
  await bm25First.waitFor({ timeout: vs.timeoutMs });
  assert.match((await bm25First.locator('button.link').textContent()) ?? '', /^docs\/supplies\.md:/);
  // With the bundled model's hidden states as embedder, the panel says BM25 alone fed the answer, and why.
  const fedBy = panel.locator('rag-app p.answer-ranking');
  assert.match((await fedBy.textContent()) ?? '', /^The answer is fed by BM25 \(words\)\. Why: BM25 alone: .*weak for meaning/);
  assert.match((await panel.locator('ranking-list h3', { has: panel.locator('.feeds') }).textContent()) ?? '', /^BM25 \(words\) feeds the answer$/);
  await panel.locator('context-bar .bar').waitFor({ timeout: vs.timeoutMs });
  await panel.locator('.sources li').first().waitFor({ timeout: vs.timeoutMs });
  await vs.screenshot('rag-2-answer');

  // A retrieved chunk opens at its range beside the panel, which stays in view; moved into the
  // panel's group the file hides the panel, whose webview VS Code unloads. Shown again, the panel
  // has the question and its results.
  await bm25First.locator('button.link').click();
  await vs.page.locator('.tabs-container .tab.active', { hasText: 'supplies.md' }).waitFor({ timeout: vs.timeoutMs });
  await vs.page.locator('#status\\.editor\\.selection', { hasText: /selected/ }).waitFor({ timeout: vs.timeoutMs });
  assert.ok(await bm25First.isVisible(), 'the rankings stay in view beside the opened chunk');
  await vs.runCommand('View: Move Editor into Previous Group');
  await vs.page.locator('iframe.webview').filter({ visible: true }).waitFor({ state: 'detached', timeout: vs.timeoutMs });
  await vs.page.locator('.tabs-container .tab', { hasText: 'RAG & Context Window' }).click();
  const restored = vs.webview();
  await restored.locator('ranking-list li').first().waitFor({ timeout: vs.timeoutMs });
  assert.equal(await restored.locator('vscode-textarea textarea').inputValue(), 'When does the paraffin for the lamp arrive by boat?');
  await restored.locator('.sources li').first().waitFor({ timeout: vs.timeoutMs });
  await vs.screenshot('rag-3-shown-again');

  // After a reload the panel retrieves again for the question its webview saved. The workbench
  // may bring supplies.md back as the active tab (it saves the active editor lazily): the panel's
  // tab is chosen, as a user would, and VS Code revives the panel when it is shown.
  await vs.reload();
  await vs.page.locator('.tabs-container .tab', { hasText: 'RAG & Context Window' }).click({ timeout: RELOAD_TIMEOUT_MS });
  const revived = vs.webview();
  await revived.locator('ranking-list li').first().waitFor({ timeout: RELOAD_TIMEOUT_MS });
  assert.match((await revived.locator('ranking-list').first().locator('li button.link').first().textContent()) ?? '', /^docs\/supplies\.md:/);
  assert.equal(await revived.locator('vscode-textarea textarea').inputValue(), 'When does the paraffin for the lamp arrive by boat?');
  await vs.screenshot('rag-4-after-reload');
}, { timeoutMs: 15 * 60_000 });
