// Downloading a sentence-embedding model for RAG from a fake hub on 127.0.0.1 that serves the
// provisioned all-MiniLM-L6-v2 (test/harness/embeddingModel.ts) as a repository that also holds
// what a real one holds besides: PyTorch weights, a model card and another ONNX variant. Only the
// tokenizer files and one graph with its external data are fetched, and the snapshot opens as a
// sentence-model folder with the same bytes as the original.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { downloadCommand } from '../../extension/engine/cli/download';
import { chooseSentenceModelFiles, downloadSentenceModel } from '../../extension/engine/hub/downloadSentenceModel';
import type { HubError } from '../../extension/engine/hub/hubError';
import { sentenceModelFolder } from '../../extension/engine/rag/embedderFolder';
import { FakeHub, repoFromFolder } from '../fixtures/hub/fakeHub';
import { embeddingModelDir, hasEmbeddingModel } from '../harness/embeddingModel';

const REPO = 'sentence-transformers/all-MiniLM-L6-v2';
const file = (p: string, size = 10) => ({ path: p, size, blobId: p });

describe('sentence-embedding model downloads (fake hub)', () => {
  let hub: FakeHub;
  let cacheDir: string;

  before(async () => {
    // npm test provisions it first; a run without it fails here rather than passing by skipping.
    if (!hasEmbeddingModel()) throw new Error(`${embeddingModelDir} is not provisioned: run npm run provision (npm test does)`);
    const repo = repoFromFolder(REPO, embeddingModelDir);
    const files = new Map(repo.files);
    files.set('pytorch_model.bin', Buffer.alloc(2000, 1));
    files.set('README.md', Buffer.from('# all-MiniLM-L6-v2\n'));
    files.set('onnx/model_fp16.onnx', Buffer.alloc(3000, 2));
    hub = await FakeHub.start([{ id: REPO, files }, { id: 'someone/pytorch-only', files: new Map([['tokenizer.json', Buffer.from('{}')], ['pytorch_model.bin', Buffer.alloc(10)]]) }]);
  });
  after(() => hub?.close());
  beforeEach(() => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-sentence-'));
  });
  afterEach(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

  it('fetches the tokenizer files and one ONNX graph with its external data, and nothing else', async () => {
    const result = await downloadSentenceModel(REPO, { endpoint: hub.url, cacheDir });
    assert.equal(result.dir, path.join(cacheDir, 'models--sentence-transformers--all-MiniLM-L6-v2', 'snapshots', hub.commitOf(REPO)));
    assert.equal(result.graph, 'onnx/model_q4.onnx');
    assert.deepEqual(result.files.map((f) => f.path).sort(), ['config.json', 'onnx/model_q4.onnx', 'onnx/model_q4.onnx_data', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json']);
    assert.equal(sentenceModelFolder(result.dir), result.dir);
    for (const name of ['tokenizer.json', 'onnx/model_q4.onnx_data']) {
      assert.ok(fs.readFileSync(path.join(result.dir, name)).equals(fs.readFileSync(path.join(embeddingModelDir, name))), `${name} differs from the served file`);
    }
  });

  it('prefers full precision, then the quantized variants, under onnx/ before the top of the repository', () => {
    const listing = (...paths: string[]) => ({ repo: REPO, commit: 'c', files: ['tokenizer.json', ...paths].map((p) => file(p)) });
    assert.equal(chooseSentenceModelFiles(listing('onnx/model_q4.onnx', 'onnx/model.onnx', 'model.onnx')).graph, 'onnx/model.onnx');
    assert.equal(chooseSentenceModelFiles(listing('onnx/model_q4.onnx', 'onnx/model_quantized.onnx')).graph, 'onnx/model_quantized.onnx');
    assert.deepEqual(
      chooseSentenceModelFiles(listing('onnx/model.onnx', 'onnx/model.onnx_data', 'onnx/model.onnx_data_1', 'onnx/model_O4.onnx')).files.map((f) => f.path),
      ['tokenizer.json', 'onnx/model.onnx', 'onnx/model.onnx_data', 'onnx/model.onnx_data_1'],
    );
  });

  it('npm run cli -- download --embedder --json fetches the same from HF_ENDPOINT into HF_HUB_CACHE', async () => {
    const saved = { endpoint: process.env.HF_ENDPOINT, cache: process.env.HF_HUB_CACHE, log: console.log, error: console.error };
    const lines: string[] = [];
    process.env.HF_ENDPOINT = hub.url;
    process.env.HF_HUB_CACHE = cacheDir;
    console.log = (...parts: unknown[]) => lines.push(parts.join(' '));
    console.error = () => {};
    try {
      await downloadCommand.run([REPO, '--embedder', '--json']);
    } finally {
      for (const [name, value] of [['HF_ENDPOINT', saved.endpoint], ['HF_HUB_CACHE', saved.cache]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      [console.log, console.error] = [saved.log, saved.error];
    }
    const printed = JSON.parse(lines.join('\n'));
    assert.equal(printed.dir, path.join(cacheDir, 'models--sentence-transformers--all-MiniLM-L6-v2', 'snapshots', hub.commitOf(REPO)));
    assert.equal(printed.weights, 'onnx/model_q4.onnx');
    assert.equal(sentenceModelFolder(printed.dir), printed.dir);
  });

  it('refuses a repository with no ONNX graph, naming it and what is missing, before fetching anything', async () => {
    await assert.rejects(downloadSentenceModel('someone/pytorch-only', { endpoint: hub.url, cacheDir }), (error: HubError) => {
      assert.match(error.message, /^someone\/pytorch-only: has none of onnx\/model\.onnx/);
      return true;
    });
    assert.deepEqual(fs.readdirSync(cacheDir), []);
  });
});
