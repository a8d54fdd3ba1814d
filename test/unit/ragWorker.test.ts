// Indexing in the index worker's own process, as the extension runs it: the index it stores equals
// the one built in this thread, progress and cancel reach across, one edited file comes back
// alone, and a worker killed mid-job (as a native crash would) fails that job, not its host.

import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyFile, buildIndex, type IndexProgress } from '../../extension/engine/rag/indexer';
import { IndexJobs, type IndexPartsSpec } from '../../extension/engine/rag/indexJobs';
import { loadIndex } from '../../extension/engine/rag/indexStore';
import { IndexWorkerHost } from '../../extension/engine/rag/indexWorkerHost';
import { makeTempDir, removeTempDir } from './modelFolderFixtures';
import { tsxWorkerScript } from './workerShim';
import { RAG_FIXTURE, RAG_TEST_SETTINGS, writeRagTestModel } from './ragFixture';


describe('RAG index worker (child process)', function () {
  this.timeout(120_000);
  let temp: string;
  let root: string;
  let spec: IndexPartsSpec;
  let host: IndexWorkerHost;
  let run = 0;

  before(() => {
    temp = makeTempDir('rag-worker');
    const modelDir = writeRagTestModel(temp);
    spec = { tokenizerDir: modelDir, embedder: { kind: 'model', dir: modelDir }, settings: RAG_TEST_SETTINGS };
    host = new IndexWorkerHost(tsxWorkerScript(temp, 'ragWorker', 'extension/engine/rag/indexWorker.ts'));
  });

  beforeEach(() => {
    root = path.join(temp, `folder-${run++}`);
    fs.cpSync(RAG_FIXTURE, root, { recursive: true });
  });

  after(() => {
    host?.dispose();
    removeTempDir(temp);
  });

  it('stores the same index as building it in this thread, with progress on the way', async () => {
    const store = path.join(temp, 'store-same');
    const progress: IndexProgress[] = [];
    const { report, rebuiltBecause } = await host.build(root, store, spec, { onProgress: (p) => progress.push(p) });
    assert.equal(rebuiltBecause, undefined);
    const stored = await loadIndex(store);
    assert.ok(stored);
    assert.equal(report.chunks, stored.chunks.size);
    assert.deepEqual(progress.at(-1), { done: progress.at(-1)?.total, total: progress.at(-1)?.total, file: '' });

    const jobs = new IndexJobs();
    try {
      const { index: local } = await buildIndex(root, await jobs.parts(spec));
      assert.deepEqual([...stored.chunks.keys()].sort(), [...local.chunks.keys()].sort());
      for (const id of local.chunks.keys()) {
        const a = stored.vectorOf(id);
        const b = local.vectorOf(id);
        assert.ok(a && b);
        for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-5, `${id}[${i}]: ${a[i]} vs ${b[i]}`);
      }
    } finally {
      await jobs.release();
    }
  });

  it('reuses the stored index on the next build and rebuilds a damaged one, saying why', async () => {
    const store = path.join(temp, 'store-reuse');
    const first = await host.build(root, store, spec);
    const again = await host.build(root, store, spec);
    assert.equal(again.report.reused, first.report.files);
    fs.writeFileSync(path.join(store, 'index.json'), '{ not json');
    const rebuilt = await host.build(root, store, spec);
    assert.match(rebuilt.rebuiltBecause ?? '', /index\.json: cannot be read as an index/);
    assert.equal(rebuilt.olderFormat, undefined, 'a damaged index is not called an older format');
    assert.equal(rebuilt.report.reused, 0);
    assert.equal((await loadIndex(store))?.chunks.size, first.report.chunks);
  });

  it('rebuilds an index an older version stored, calling it an older format rather than damaged', async () => {
    const store = path.join(temp, 'store-older');
    const first = await host.build(root, store, spec);
    const json = path.join(store, 'index.json');
    fs.writeFileSync(json, JSON.stringify({ ...JSON.parse(fs.readFileSync(json, 'utf8')), format: 2 }));
    const rebuilt = await host.build(root, store, spec);
    assert.equal(rebuilt.olderFormat, true);
    assert.match(rebuilt.rebuiltBecause ?? '', /index\.json: index format 2, this version reads \d+/);
    assert.equal((await loadIndex(store))?.chunks.size, first.report.chunks);
  });

  it('indexes one edited file alone for an incremental update', async () => {
    const store = path.join(temp, 'store-edit');
    await host.build(root, store, spec);
    const index = await loadIndex(store);
    assert.ok(index);
    const others = [...index.chunks.values()].filter((c) => c.file !== 'docs/storms.txt');
    fs.writeFileSync(path.join(root, 'docs', 'storms.txt'), 'The harbour master keeps the spare flares in the blue locker.\n');
    const update = applyFile(index, 'docs/storms.txt', await host.indexFile(root, 'docs/storms.txt', spec));
    assert.deepEqual(update, { kind: 'indexed', chunks: 1 });
    assert.match(index.chunks.get('docs/storms.txt#0')?.text ?? '', /blue locker/);
    for (const chunk of others) assert.equal(index.chunks.get(chunk.id), chunk);
    fs.rmSync(path.join(root, 'docs', 'storms.txt'));
    assert.deepEqual(applyFile(index, 'docs/storms.txt', await host.indexFile(root, 'docs/storms.txt', spec)), { kind: 'removed' });
  });

  it('a cancelled build fails as AbortError, writes no index, and the worker takes the next job', async () => {
    const controller = new AbortController();
    const store = path.join(temp, 'store-cancel');
    const job = host.build(root, store, spec, { signal: controller.signal, onProgress: ({ done }) => done === 2 && controller.abort() });
    await assert.rejects(job, (error: Error) => error.name === 'AbortError');
    // The worker may still be winding down after the host gave up: the next job runs after it, so
    // by the time that job is done the cancelled one has left whatever it was going to leave.
    const { report } = await host.build(root, path.join(temp, 'store-after-cancel'), spec);
    assert.ok(report.chunks > 0);
    assert.equal(fs.existsSync(store), false, `${store} was written by a cancelled build`);
  });

  it('a worker killed mid-build fails that build with a message; the next build starts a new worker', async () => {
    let killed: number | undefined;
    const job = host.build(root, path.join(temp, 'store-killed'), spec, {
      onProgress: ({ done }) => {
        if (done === 1 && host.pid && !killed) process.kill((killed = host.pid), 'SIGKILL');
      },
    });
    await assert.rejects(job, /the RAG index worker was killed by SIGKILL before finishing/);
    const { report } = await host.build(root, path.join(temp, 'store-after-kill'), spec);
    assert.ok(report.chunks > 0);
    assert.notEqual(host.pid, killed);
  });

  it('a folder deleted before indexing is a FolderGoneError naming it', async () => {
    fs.rmSync(root, { recursive: true });
    await assert.rejects(host.build(root, path.join(temp, 'store-gone'), spec), (error: Error) => error.name === 'FolderGoneError' && error.message.includes(root));
  });
});

describe('RAG index worker lifetime', function () {
  this.timeout(60_000);

  it('exits when its host process dies without stopping it', async () => {
    const dir = makeTempDir('rag-worker-orphan');
    try {
      const worker = tsxWorkerScript(dir, 'ragWorker', 'extension/engine/rag/indexWorker.ts');
      // A host that starts the worker (a request for a missing folder), prints its pid and exits
      // without disposing of it, as an extension host that crashes would.
      const host = path.join(dir, 'host.ts');
      fs.writeFileSync(
        host,
        `import { IndexWorkerHost } from ${JSON.stringify(path.resolve(__dirname, '../../extension/engine/rag/indexWorkerHost'))};
const host = new IndexWorkerHost(${JSON.stringify(worker)});
const done = host.build('/nonexistent', ${JSON.stringify(path.join(dir, 'store'))}, { tokenizerDir: '/nonexistent', embedder: { kind: 'model', dir: '/nonexistent' }, settings: { walk: { include: ['**/*'], exclude: [] }, chunk: { size: 80, overlap: 8 }, maxFileBytes: 1000 } });
console.log(host.pid);
done.catch(() => process.exit(0));
`,
      );
      const output = execFileSync(process.execPath, ['--import', 'tsx', host], { cwd: path.resolve(__dirname, '..', '..'), encoding: 'utf8' });
      const pid = Number(output.trim().split('\n').pop());
      assert.ok(pid > 0, output);
      const alive = () => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      for (let waited = 0; alive() && waited < 20_000; waited += 200) await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(alive(), false, `the worker ${pid} outlived its host`);
    } finally {
      removeTempDir(dir);
    }
  });
});
