// The RAG panel's one click to a real embedding model, in a real extension host: a fake hub
// (HF_ENDPOINT) serves the provisioned all-MiniLM-L6-v2 as sentence-transformers/all-MiniLM-L6-v2;
// the panel's Download button fetches it into HF_HUB_CACHE and makes it the RAG embedder; a fixture
// folder attached then is embedded with it in the index worker, and a question that shares no word
// with its answer is answered from the right file, fed by the dense ranking.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { IndexReport } from '../../extension/engine/rag/indexer';
import type { ExtensionTestApi } from '../../extension/extension';
import { RAG_VIEW_TYPE, type RagNotification } from '../../webviews/rag/protocol';
import { FakeHub, repoFromFolder } from '../fixtures/hub/fakeHub';
import { panelMessages } from './panelMessages';

const EXTENSION_ID = 'llm-pipeline-lab.llm-pipeline-lab';
const REPO = 'sentence-transformers/all-MiniLM-L6-v2';
const LABEL = `${REPO} (sentence embeddings)`;

suite('RAG: Download Embedding Model from the panel', () => {
  let api: ExtensionTestApi;
  let hub: FakeHub;
  let cacheDir: string;
  let root: string;
  const saved = { endpoint: process.env.HF_ENDPOINT, cache: process.env.HF_HUB_CACHE };
  const nextPosted = panelMessages<RagNotification>(() => api, RAG_VIEW_TYPE, 'the RAG panel', { failOnError: true });

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<ExtensionTestApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
    const modelDir = path.join(extension.extensionPath, '.harness', 'models', 'all-MiniLM-L6-v2');
    // npm test provisions it first; a run without it fails here rather than passing by skipping.
    if (!fs.existsSync(path.join(modelDir, 'tokenizer.json'))) throw new Error(`${modelDir} is not provisioned: run npm run provision (npm test does)`);
    hub = await FakeHub.start([repoFromFolder(REPO, modelDir)]);
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rag-hub-'));
    process.env.HF_ENDPOINT = hub.url;
    process.env.HF_HUB_CACHE = cacheDir;
    const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? cacheDir;
    root = path.join(workspace, `rag-download-${Date.now()}`);
    fs.cpSync(path.join(extension.extensionPath, 'test', 'fixtures', 'rag'), root, { recursive: true });
  });

  suiteTeardown(async () => {
    for (const [name, value] of [['HF_ENDPOINT', saved.endpoint], ['HF_HUB_CACHE', saved.cache]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await vscode.workspace.getConfiguration('llmPipeline.rag').update('embeddingModel', undefined, vscode.ConfigurationTarget.Global);
    if (api?.rag.rememberedRoots().includes(root)) await vscode.commands.executeCommand('llmPipeline.detachRagFolder', vscode.Uri.file(root));
    await hub?.close();
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  test('the panel offers the download while no sentence model is set; one click fetches it, the attached folder is embedded with it, and dense retrieval feeds the answer from the right file', async () => {
    assert.equal(vscode.workspace.getConfiguration('llmPipeline.rag').get('embeddingModel'), '', 'a sentence model is already set');
    await vscode.commands.executeCommand('llmPipeline.showContextWindow');
    const offered = nextPosted('state');
    await api.panels.sendFromWebview(RAG_VIEW_TYPE, { type: 'ready', payload: {} });
    assert.equal((await offered).offeredEmbedder, `${REPO} (91 MB)`);

    const relabelled = nextPosted('state', (s) => s.embedder === LABEL);
    // The host handles the click to its end: the download, then the setting.
    await api.panels.sendFromWebview(RAG_VIEW_TYPE, { type: 'downloadEmbedder', payload: {} });
    const snapshot = path.join(cacheDir, 'models--sentence-transformers--all-MiniLM-L6-v2', 'snapshots', hub.commitOf(REPO));
    assert.equal(vscode.workspace.getConfiguration('llmPipeline.rag').get('embeddingModel'), snapshot);
    assert.ok(fs.lstatSync(path.join(snapshot, 'onnx', 'model_q4.onnx_data')).isSymbolicLink(), 'the graph\'s external data is in the cache snapshot');
    assert.ok(hub.requests.some((r) => r.server === 'cdn'), 'the weights came through the redirect to the CDN');
    const state = await relabelled;
    assert.equal(state.offeredEmbedder, undefined, 'the panel still offers a download with a sentence model set');

    const report = await vscode.commands.executeCommand<IndexReport | undefined>('llmPipeline.attachRagFolder', vscode.Uri.file(root));
    assert.ok(report && report.chunks > 0, 'attach returned no report');
    const laidOut = nextPosted('budget');
    const answered = nextPosted('answer', (a) => a.done);
    const retrieval = nextPosted('retrieval');
    // No word of the question is in the answer's file (it speaks of paraffin arriving by boat).
    await api.panels.sendFromWebview(RAG_VIEW_TYPE, { type: 'ask', payload: { question: 'When is fuel for the light delivered?', policy: 'drop-sources', answerTokens: 8, generate: true } });
    const ranked = await retrieval;
    assert.equal(ranked.answer.ranking, 'dense');
    assert.match(ranked.answer.reason, /^dense alone/);
    assert.equal(ranked.dense[0].chunk.file, 'docs/supplies.md');
    assert.equal((await laidOut).segments[1].chunkId, ranked.dense[0].chunk.id, 'the prompt\'s first source is dense retrieval\'s first chunk');
    const answer = await answered;
    assert.equal(answer.sources[0].chunkId, ranked.dense[0].chunk.id);
    assert.match(answer.sources[0].location, /^docs\/supplies\.md:\d+-\d+$/);
  });
});
