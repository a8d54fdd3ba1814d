// Downloads from the Hugging Face Hub, against a fake hub on 127.0.0.1 that serves the bundled
// model as a GPT-2 repository with the Hub's URLs, headers, redirects and Range answers.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { DownloadCancelledError, type HubError } from '../../extension/engine/hub/hubError';
import { downloadModel } from '../../extension/engine/hub/downloadModel';
import { downloadSnapshot } from '../../extension/engine/hub/downloadSnapshot';
import { cachedSnapshots } from '../../extension/engine/hub/hubCache';
import { readModelFolder } from '../../extension/engine/modelFolder/readModelFolder';
import { FakeHub, repoFromFolder } from '../fixtures/hub/fakeHub';

const BUNDLED = path.join(__dirname, '..', '..', 'models', 'tinystories-1m');
const REPO = 'llm-pipeline-lab/tinystories-1m';
const GATED = 'llm-pipeline-lab/gated-tinystories';
const TOKEN = 'hf_test_token';

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('Hub downloads (fake hub)', () => {
  let hub: FakeHub;
  let cacheDir: string;
  const options = () => ({ endpoint: hub.url, cacheDir });

  before(async () => {
    const onlyBin = new Map([
      ['config.json', fs.readFileSync(path.join(BUNDLED, 'config.json'))],
      ['tokenizer.json', fs.readFileSync(path.join(BUNDLED, 'tokenizer.json'))],
      ['pytorch_model.bin', Buffer.alloc(1000, 7)],
    ]);
    hub = await FakeHub.start([
      repoFromFolder(REPO, BUNDLED),
      repoFromFolder(GATED, BUNDLED, { gatedToken: TOKEN }),
      { id: 'someone/pytorch-only', files: onlyBin },
    ]);
  });
  after(() => hub.close());
  beforeEach(() => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-cache-'));
    hub.requests.length = 0;
    hub.dropOnce.clear();
    hub.corrupt.clear();
  });
  afterEach(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

  it('downloads what the engine runs into the Hugging Face cache layout', async () => {
    const progress: number[] = [];
    const result = await downloadModel(REPO, { ...options(), onProgress: (p) => progress.push(p.bytes) });
    const commit = hub.commitOf(REPO);
    const repoDir = path.join(cacheDir, 'models--llm-pipeline-lab--tinystories-1m');
    assert.equal(result.dir, path.join(repoDir, 'snapshots', commit));
    assert.equal(fs.readFileSync(path.join(repoDir, 'refs', 'main'), 'utf8'), commit);
    // A GPT-2 runs from model.safetensors: the ONNX graphs, the model card and the figures stay on the Hub.
    assert.deepEqual(fs.readdirSync(result.dir).sort(), ['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
    for (const name of fs.readdirSync(result.dir)) {
      const link = path.join(result.dir, name);
      assert.ok(fs.lstatSync(link).isSymbolicLink(), `${name} is a link into blobs/`);
      assert.match(fs.readlinkSync(link), /^\.\.\/\.\.\/blobs\/[0-9a-f]{40,64}$/);
      assert.equal(sha256(link), sha256(path.join(BUNDLED, name)), `${name} has the bundled file's bytes`);
    }
    // Blobs are named as huggingface_hub names them: the LFS SHA-256 for weights.
    assert.ok(fs.existsSync(path.join(repoDir, 'blobs', sha256(path.join(BUNDLED, 'model.safetensors')))));
    assert.equal(readModelFolder(result.dir).kind, 'gpt2');
    assert.equal(readModelFolder(result.dir).name, REPO, 'a snapshot is shown by its repository id, not its commit');
    assert.equal(result.weights, 'model.safetensors');
    assert.equal(progress.at(-1), fs.statSync(path.join(BUNDLED, 'model.safetensors')).size + result.files.filter((f) => f.path !== 'model.safetensors').reduce((s, f) => s + f.size, 0));
    // The weights came from the CDN the Hub redirected to.
    assert.ok(hub.requests.some((r) => r.server === 'cdn'));
    assert.deepEqual(cachedSnapshots(cacheDir, () => true).map((s) => [s.repo, s.commit, s.refs.join()]), [[REPO, commit, 'main']]);

    // A second download finds every blob in the cache and fetches no file again.
    hub.requests.length = 0;
    await downloadModel(REPO, options());
    assert.deepEqual(hub.requests.filter((r) => r.url.includes('/resolve/') || r.server === 'cdn'), []);
  });

  it('downloads the files a filter picks (the API for other callers)', async () => {
    const result = await downloadSnapshot(REPO, { ...options(), files: (name) => name.startsWith('onnx/') });
    assert.deepEqual(fs.readdirSync(path.join(result.dir, 'onnx')).sort(), ['model.onnx', 'model_int8.onnx']);
    assert.equal(sha256(path.join(result.dir, 'onnx', 'model_int8.onnx')), sha256(path.join(BUNDLED, 'onnx', 'model_int8.onnx')));
  });

  it('resumes a download whose connection was cut, with an HTTP Range from the partial file', async () => {
    hub.dropOnce.add('model.safetensors');
    const result = await downloadModel(REPO, options());
    const size = fs.statSync(path.join(BUNDLED, 'model.safetensors')).size;
    const cdn = hub.requests.filter((r) => r.server === 'cdn');
    assert.equal(cdn.length, 2);
    assert.equal(cdn[0].range, undefined);
    // The second request asks for the bytes the first did not bring (some of the half the server
    // wrote may be lost with the connection, so the offset is at most half).
    const offset = Number(/^bytes=(\d+)-$/.exec(cdn[1].range ?? '')?.[1]);
    assert.ok(offset > 0 && offset <= size >> 1, `resumed at ${cdn[1].range}`);
    assert.equal(sha256(path.join(result.dir, 'model.safetensors')), sha256(path.join(BUNDLED, 'model.safetensors')));
  });

  it('keeps the partial file when cancelled, shows no snapshot, and resumes from it on the next download', async () => {
    const controller = new AbortController();
    let before: number | undefined;
    const cancelled = downloadModel(REPO, {
      ...options(),
      signal: controller.signal,
      onProgress: (p) => {
        if (p.file !== 'model.safetensors') return;
        before ??= p.bytes;
        if (p.bytes > before + 2 ** 20) controller.abort();
      },
    });
    await assert.rejects(cancelled, DownloadCancelledError);
    const repoDir = path.join(cacheDir, 'models--llm-pipeline-lab--tinystories-1m');
    const partial = fs.readdirSync(path.join(repoDir, 'blobs')).filter((name) => name.endsWith('.incomplete'));
    assert.equal(partial.length, 1);
    const kept = fs.statSync(path.join(repoDir, 'blobs', partial[0])).size;
    assert.ok(kept > 0);
    assert.equal(fs.existsSync(path.join(repoDir, 'snapshots')), false, 'no file is linked before every file is complete');
    assert.deepEqual(cachedSnapshots(cacheDir, () => true), []);

    hub.requests.length = 0;
    const result = await downloadModel(REPO, options());
    assert.equal(hub.requests.find((r) => r.server === 'cdn')?.range, `bytes=${kept}-`);
    assert.equal(sha256(path.join(result.dir, 'model.safetensors')), sha256(path.join(BUNDLED, 'model.safetensors')));
  });

  it('refuses a file whose bytes do not match its SHA-256, and removes them', async () => {
    hub.corrupt.add('model.safetensors');
    await assert.rejects(downloadModel(REPO, options()), (error: HubError) => {
      assert.match(error.message, /^llm-pipeline-lab\/tinystories-1m: model\.safetensors: checksum mismatch: expected 5406672 bytes with SHA-256 [0-9a-f]{64}, got 5406672 bytes with [0-9a-f]{64}/);
      return true;
    });
    const blobs = path.join(cacheDir, 'models--llm-pipeline-lab--tinystories-1m', 'blobs');
    assert.deepEqual(fs.readdirSync(blobs).filter((name) => name.endsWith('.incomplete')), []);
    assert.equal(fs.existsSync(path.join(cacheDir, 'models--llm-pipeline-lab--tinystories-1m', 'snapshots')), false);
  });

  it('names the repository the Hub does not have (404)', async () => {
    await assert.rejects(downloadModel('nobody/no-such-model', options()), /nobody\/no-such-model: no such repository on the Hub \(HTTP 404\)/);
    await assert.rejects(downloadModel(REPO, { ...options(), revision: 'v9' }), /llm-pipeline-lab\/tinystories-1m: has no revision "v9"/);
  });

  it('asks for a token for a gated repository (401), sends it to the Hub and never to the CDN', async () => {
    await assert.rejects(downloadModel(GATED, { ...options(), token: '' }), (error: HubError) => {
      assert.equal(error.status, 401);
      assert.match(error.message, /gated-tinystories: is gated: accept its terms on the Hub and give a token/);
      return true;
    });
    hub.requests.length = 0;
    const result = await downloadModel(GATED, { ...options(), token: TOKEN });
    assert.equal(readModelFolder(result.dir).kind, 'gpt2');
    assert.ok(hub.requests.filter((r) => r.server === 'hub').every((r) => r.authorization === `Bearer ${TOKEN}`));
    assert.ok(hub.requests.filter((r) => r.server === 'cdn').every((r) => r.authorization === undefined));
  });

  it('checks free disk space before the first byte of weights (a full disk)', async () => {
    await assert.rejects(downloadModel(REPO, { ...options(), freeDiskBytes: async () => 10 * 2 ** 20 }), /tinystories-1m: needs 5\.4 MiB more on disk \(plus 64\.0 MiB to spare\) but .* has 10\.0 MiB free/);
    assert.equal(hub.requests.filter((r) => r.server === 'cdn').length, 0);
  });

  it('refuses a model whose weights and KV cache will not fit in memory, with the figure', async () => {
    await assert.rejects(downloadModel(REPO, { ...options(), memoryBytes: 2 ** 20 }), /tinystories-1m: will not fit in memory: weights 5\.\d MiB \(4 bytes per parameter, fp32\) \+ KV cache [\d.]+ MiB for \d+ tokens = [\d.]+ MiB, and this machine has 1\.0 MiB/);
    assert.equal(hub.requests.filter((r) => r.server === 'cdn').length, 0, 'no weights were fetched');
  });

  it('says which weights a repository lacks', async () => {
    await assert.rejects(downloadModel('someone/pytorch-only', options()), /someone\/pytorch-only: no weights the engine can run: a GPT-2 needs model\.safetensors .* and it holds pytorch_model\.bin/);
  });

  it('goes through an HTTP proxy when given one', async () => {
    const proxied: string[] = [];
    const proxy = http.createServer((req, res) => {
      proxied.push(req.url ?? '');
      const target = new URL(req.url ?? '');
      const forward = http.request({ host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(forward);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const result = await downloadModel(REPO, { ...options(), proxy: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` });
      assert.equal(readModelFolder(result.dir).kind, 'gpt2');
      assert.ok(proxied.some((url) => url.startsWith(`${hub.url}/api/models/`)));
      assert.ok(proxied.some((url) => url.includes('/lfs/')), 'the CDN request went through the proxy too');
    } finally {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
