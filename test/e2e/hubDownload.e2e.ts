// "Download Model from Hugging Face…" in the real workbench, against a fake hub (the workspace's
// llmPipeline.huggingFace.endpoint) that serves the bundled model as openai-community/gpt2: pick
// GPT-2 in the curated list, wait for the download, then Inspect Attention runs on the downloaded
// snapshot and "Choose Model Folder" lists it under the Hugging Face cache. Screenshots go to
// test-results/screenshots/hub-download-*.png.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { repoRoot } from '../harness/paths';
import { FakeHub, repoFromFolder } from '../fixtures/hub/fakeHub';
import { e2e } from './framework';

const REPO = 'openai-community/gpt2';
const STORY = 'Once upon a time, there was a little girl named Lily. She loved to play outside in the park.\n';
const ROW = '.quick-input-widget .quick-input-list .monaco-list-row';

/** Polls a condition of this process (the fake hub's log) until it holds or `timeoutMs` passes. */
async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  return condition();
}

e2e('download a model from a fake hub through the command, then inspect its attention', async (vs) => {
  const hub = await FakeHub.start([repoFromFolder(REPO, path.join(repoRoot, 'models', 'tinystories-1m'))]);
  try {
    await vs.openWorkspace({ 'story.txt': STORY, '.vscode/settings.json': JSON.stringify({ 'llmPipeline.huggingFace.endpoint': hub.url }) });

    await vs.runCommand('LLM Pipeline: Download Model from Hugging Face...');
    const gpt2 = vs.page.locator(ROW, { hasText: 'GPT-2 (124M)' });
    await gpt2.waitFor({ timeout: vs.timeoutMs });
    assert.match((await gpt2.textContent()) ?? '', /every inspector.*openai-community\/gpt2 · 124M parameters · about .* on disk · about .* in memory/);
    await vs.page.locator(ROW, { hasText: 'SmolLM2 135M Instruct' }).waitFor({ timeout: vs.timeoutMs });
    await vs.screenshot('hub-download-1-choose');
    await gpt2.click();

    assert.ok(await waitFor(() => hub.requests.some((r) => r.url.startsWith(`/api/models/${REPO}/revision/main`)), vs.timeoutMs), 'the file list came from the fake hub');

    // Inspect Attention runs the downloaded snapshot (shown by its repository id; the panel follows
    // the active model, so it shows it however the download and the command interleave):
    // 4 layers × (4 heads + the mean).
    await vs.openFile('story.txt', 'Once upon a time, there was a little girl named Lily.');
    await vs.runCommand('LLM Pipeline: Inspect Attention');
    const panel = vs.webview();
    await panel.locator('#model-name', { hasText: REPO }).waitFor({ timeout: vs.timeoutMs });
    const cells = panel.locator('head-grid .cell');
    await cells.nth(4 * 5 - 1).waitFor({ timeout: vs.timeoutMs });
    assert.equal(await cells.count(), 20);
    await panel.locator('heatmap-view canvas').waitFor({ timeout: vs.timeoutMs });
    await vs.screenshot('hub-download-3-attention');

    // Choose Model Folder lists the snapshot by its repository id (under "Chosen before", which
    // comes ahead of the Hugging Face cache's section); going back to the bundled model leaves the
    // next test as it found the workbench.
    await vs.runCommand('LLM Pipeline: Choose Model Folder...');
    await vs.page.locator(ROW, { hasText: REPO }).waitFor({ timeout: vs.timeoutMs });
    await vs.screenshot('hub-download-4-choose-folder');
    await vs.page.locator(ROW, { hasText: 'tinystories-1m' }).first().click();
  } finally {
    await hub.close();
  }
});
