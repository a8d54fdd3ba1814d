// "Download Model from Hugging Face…" in a real extension host, against a fake hub (HF_ENDPOINT)
// serving the bundled model as openai-community/gpt2: the command downloads into HF_HUB_CACHE,
// the snapshot becomes the model the inspectors run, and it opens.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionTestApi } from '../../extension/extension';
import { FakeHub, repoFromFolder } from '../fixtures/hub/fakeHub';

const EXTENSION_ID = 'llm-pipeline-lab.llm-pipeline-lab';
const REPO = 'openai-community/gpt2';

suite('Download Model from Hugging Face', () => {
  let api: ExtensionTestApi;
  let hub: FakeHub;
  let cacheDir: string;
  const saved = { endpoint: process.env.HF_ENDPOINT, cache: process.env.HF_HUB_CACHE };

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<ExtensionTestApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
    hub = await FakeHub.start([repoFromFolder(REPO, path.join(extension.extensionPath, 'models', 'tinystories-1m'))]);
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-integration-'));
    process.env.HF_ENDPOINT = hub.url;
    process.env.HF_HUB_CACHE = cacheDir;
  });

  suiteTeardown(async () => {
    for (const [name, value] of [['HF_ENDPOINT', saved.endpoint], ['HF_HUB_CACHE', saved.cache]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await api.attention.model.setFolder(undefined);
    await hub.close();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  test('downloads from HF_ENDPOINT into HF_HUB_CACHE and makes the snapshot the active model', async () => {
    const dir = await vscode.commands.executeCommand<string | undefined>('llmPipeline.downloadModel', REPO);
    assert.equal(dir, path.join(cacheDir, 'models--openai-community--gpt2', 'snapshots', hub.commitOf(REPO)));
    assert.ok(fs.lstatSync(path.join(dir, 'model.safetensors')).isSymbolicLink());
    assert.equal(fs.readFileSync(path.join(cacheDir, 'models--openai-community--gpt2', 'refs', 'main'), 'utf8'), hub.commitOf(REPO));
    assert.equal(api.attention.model.folder, dir);
    const loaded = await api.attention.model.load();
    assert.equal(loaded.dir, dir);
    assert.ok(hub.requests.some((r) => r.server === 'cdn'), 'the weights came through the redirect to the CDN');
  });

  test('a repository the hub does not have leaves the active model as it was', async () => {
    const before = api.attention.model.folder;
    const dir = await vscode.commands.executeCommand<string | undefined>('llmPipeline.downloadModel', 'nobody/no-such-model');
    assert.equal(dir, undefined);
    assert.equal(api.attention.model.folder, before);
  });
});
