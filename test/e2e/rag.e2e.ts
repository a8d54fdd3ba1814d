// Step 5 in the real workbench: attach the workspace (the RAG fixture's files) from the palette,
// ask a question in the panel, read the three rankings, the context-window bar and the answer with
// its sources. Screenshots go to test-results/screenshots/.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../harness/paths';
import { e2e } from './framework';

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

e2e('attach a RAG folder from the palette, ask a question, see rankings, the context window and the answer', async (vs) => {
  await vs.openWorkspace(fixtureFiles());
  await vs.runCommandAndPick('LLM Pipeline: Attach RAG Folder...', /^workspace-/);
  const panel = vs.webview();
  await panel.locator('rag-app p.muted', { hasText: '6 files, 6 chunks' }).waitFor({ timeout: vs.timeoutMs });
  await vs.screenshot('rag-1-attached');

  const box = panel.locator('vscode-textarea textarea');
  await box.click();
  await box.pressSequentially('When does the paraffin for the lamp arrive by boat?');
  await panel.locator('vscode-button', { hasText: 'Retrieve and answer' }).click();
  const bm25First = panel.locator('ranking-list').first().locator('li').first();
  await bm25First.waitFor({ timeout: vs.timeoutMs });
  assert.match((await bm25First.locator('button.link').textContent()) ?? '', /^docs\/supplies\.md:/);
  await panel.locator('context-bar .bar').waitFor({ timeout: vs.timeoutMs });
  await panel.locator('.sources li').first().waitFor({ timeout: vs.timeoutMs });
  await vs.screenshot('rag-2-answer');
});
