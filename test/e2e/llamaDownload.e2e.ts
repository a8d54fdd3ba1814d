// A Llama-family repository without an ONNX export, downloaded by its id through "Download Model
// from Hugging Face…" from a fake hub (the workspace's llmPipeline.huggingFace.endpoint): its
// sharded BF16 safetensors are fetched, the engine builds its graphs, and Inspect Attention shows
// every query head of the grouped-query attention. Screenshots: test-results/screenshots/llama-download-*.png.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FakeHub, repoFromFolder } from '../fixtures/hub/fakeHub';
import { writeLlamaFolder } from '../unit/llamaFixture';
import { e2e } from './framework';

const REPO = 'llm-pipeline-lab/tiny-llama';
const STORY = 'Once upon a time, there was a little girl named Lily. She loved to play outside in the park.\n';
const ROW = '.quick-input-widget .quick-input-list .monaco-list-row';
const LAYERS = 2;
const HEADS = 4;

e2e('download a Llama-family repository by its id from a fake hub, then inspect every query head', async (vs) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiny-llama-'));
  writeLlamaFolder(dir, {
    model_type: 'llama', hidden_act: 'silu', hidden_size: 32, intermediate_size: 64, num_hidden_layers: LAYERS, num_attention_heads: HEADS,
    num_key_value_heads: 2, max_position_embeddings: 128, rms_norm_eps: 1e-5, rope_theta: 10000.0, vocab_size: 257, tie_word_embeddings: true,
  }, { seed: 11, dtype: 'BF16', shards: 2 });
  const hub = await FakeHub.start([repoFromFolder(REPO, dir)]);
  try {
    await vs.openWorkspace({ 'story.txt': STORY, '.vscode/settings.json': JSON.stringify({ 'llmPipeline.huggingFace.endpoint': hub.url }) });

    await vs.runCommand('LLM Pipeline: Download Model from Hugging Face...');
    const other = vs.page.locator(ROW, { hasText: 'Another repository' });
    await other.waitFor({ timeout: vs.timeoutMs });
    await other.click();
    const input = vs.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: vs.timeoutMs });
    await input.fill(REPO);
    await vs.screenshot('llama-download-1-repo-id');
    await vs.page.keyboard.press('Enter');
    // The download ends before Inspect Attention runs: the last shard served, then its notification gone.
    const served = Date.now() + vs.timeoutMs;
    while (!hub.requests.some((r) => r.url.endsWith('/model-00002-of-00002.safetensors')) && Date.now() < served) await vs.page.waitForTimeout(100);
    await vs.page.locator('.notifications-toasts .notification-toast', { hasText: `Downloading ${REPO}` }).waitFor({ state: 'hidden', timeout: vs.timeoutMs });

    // Inspect Attention runs the downloaded snapshot, shown by its repository id:
    // 2 layers × (4 query heads + the mean).
    await vs.openFile('story.txt', 'Once upon a time, there was a little girl named Lily.');
    await vs.runCommand('LLM Pipeline: Inspect Attention');
    const panel = vs.webview();
    await panel.locator('#model-name', { hasText: REPO }).waitFor({ timeout: vs.timeoutMs });
    // The grid may still hold the bundled model's heads (4 layers) when the name changes: wait for this model's.
    const cells = panel.locator('head-grid .cell');
    const deadline = Date.now() + vs.timeoutMs;
    while ((await cells.count()) !== LAYERS * (HEADS + 1) && Date.now() < deadline) await vs.page.waitForTimeout(100);
    assert.equal(await cells.count(), LAYERS * (HEADS + 1));
    await panel.locator('heatmap-view canvas').waitFor({ timeout: vs.timeoutMs });
    await vs.screenshot('llama-download-2-attention');
    const fetched = hub.requests.map((r) => r.url);
    assert.ok(fetched.some((url) => url.endsWith('/model-00002-of-00002.safetensors')), `the second shard was fetched: ${fetched.join(', ')}`);

    // Back to the bundled model, leaving the workbench as the next test expects it.
    await vs.runCommand('LLM Pipeline: Choose Model Folder...');
    await vs.page.locator(ROW, { hasText: 'tinystories-1m' }).first().waitFor({ timeout: vs.timeoutMs });
    await vs.page.locator(ROW, { hasText: 'tinystories-1m' }).first().click();
  } finally {
    await hub.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
