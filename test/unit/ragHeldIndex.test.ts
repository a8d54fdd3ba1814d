// The index worker keeps each built index and answers queries over it, so the extension host
// holds none: its rankings equal the same search on the stored index in this thread, one file's
// chunks come back for the decorations, an edit is applied and stored there, a fresh worker
// loads the index from disk, and a detached (deleted) store is written again by the next build.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { answerRankingFor } from '../../extension/engine/rag/answerRanking';
import { l2Normalize } from '../../extension/engine/rag/dense';
import type { IndexPartsSpec } from '../../extension/engine/rag/indexJobs';
import { deleteIndex, loadIndex } from '../../extension/engine/rag/indexStore';
import { IndexWorkerHost } from '../../extension/engine/rag/indexWorkerHost';
import type { Retrieval } from '../../extension/engine/rag/ragIndex';
import { makeTempDir, removeTempDir } from './modelFolderFixtures';
import { RAG_FIXTURE, RAG_TEST_SETTINGS, writeRagTestModel } from './ragFixture';
import { tsxWorkerScript } from './workerShim';

/** What a ranking says: ids and scores, in order. */
const ranks = (r: Retrieval) => ({ bm25: r.bm25.map((c) => [c.chunk.id, c.score]), dense: r.dense.map((c) => [c.chunk.id, c.score]), fused: r.fused.map((c) => [c.chunk.id, c.score]) });

describe('RAG indexes held by the index worker', function () {
  this.timeout(120_000);
  let temp: string;
  let root: string;
  let store: string;
  let spec: IndexPartsSpec;
  let script: string;
  let host: IndexWorkerHost;

  before(async () => {
    temp = makeTempDir('rag-held');
    const modelDir = writeRagTestModel(temp);
    spec = { tokenizerDir: modelDir, embedder: { kind: 'model', dir: modelDir }, settings: RAG_TEST_SETTINGS };
    script = tsxWorkerScript(temp, 'ragWorker', 'extension/engine/rag/indexWorker.ts');
    host = new IndexWorkerHost(script);
    root = path.join(temp, 'folder');
    fs.cpSync(RAG_FIXTURE, root, { recursive: true });
    store = path.join(temp, 'store');
  });

  after(() => {
    host?.dispose();
    removeTempDir(temp);
  });

  it('answers a search with the rankings the stored index gives in this thread, and a file\'s chunks in file order', async () => {
    const { summary, report } = await host.build(root, store, spec);
    assert.deepEqual([summary.files, summary.chunks], [report.files, report.chunks]);
    const stored = await loadIndex(store);
    assert.ok(stored);
    const vector = l2Normalize(Float32Array.from({ length: summary.identity.dimensions }, (_, i) => Math.sin(i + 1)));
    const answer = answerRankingFor(summary.identity.embedder);
    const question = 'When does the paraffin for the lamp arrive by boat?';
    const { retrieval, chunks } = await host.search(store, question, vector, 8, answer);
    assert.equal(chunks, stored.chunks.size);
    assert.deepEqual(ranks(retrieval), ranks(stored.search(question, vector, 8, answer)));
    assert.equal(retrieval.bm25[0].chunk.file, 'docs/supplies.md');
    const ids = stored.files.get('docs/supplies.md')?.chunkIds;
    assert.deepEqual((await host.chunksOf(store, 'docs/supplies.md')).map((c) => c.id), ids);
    assert.equal((await host.chunk(store, ids?.[0] ?? ''))?.text, stored.chunks.get(ids?.[0] ?? '')?.text);
  });

  it('applies an edited file to the held index and stores it', async () => {
    fs.writeFileSync(path.join(root, 'docs', 'storms.txt'), 'The harbour master keeps the spare flares in the blue locker.\n');
    const { files, summary, stale } = await host.update(root, store, 'docs/storms.txt', spec);
    assert.equal(stale, false);
    assert.deepEqual(files, [{ file: 'docs/storms.txt', update: { kind: 'indexed', chunks: 1 } }]);
    assert.match((await host.chunksOf(store, 'docs/storms.txt'))[0].text, /blue locker/);
    const stored = await loadIndex(store);
    assert.equal(stored?.chunks.size, summary.chunks);
    assert.match(stored?.chunks.get('docs/storms.txt#0')?.text ?? '', /blue locker/);
  });

  it('a fresh worker loads the index from disk for its first query', async () => {
    const fresh = new IndexWorkerHost(script);
    try {
      const stored = await loadIndex(store);
      assert.ok(stored);
      const vector = l2Normalize(new Float32Array(stored.identity.dimensions).fill(1));
      const { retrieval } = await fresh.search(store, 'spare flares blue locker', vector, 3, answerRankingFor('model:x'));
      assert.equal(retrieval.bm25[0].chunk.file, 'docs/storms.txt');
    } finally {
      fresh.dispose();
    }
  });

  it('after a detach (store deleted, worker told to forget), the next build writes the store again', async () => {
    deleteIndex(store);
    await host.forget(store);
    await assert.rejects(host.chunksOf(store, 'docs/storms.txt'), /no index is stored there/);
    await host.build(root, store, spec);
    assert.ok((await loadIndex(store))?.chunks.size);
  });
});
