// The indexer over a real folder (test/fixtures/rag copied to a temp dir) with a real embedder
// (pooled hidden states of a small random GPT-2 run by ONNX Runtime): what is indexed and
// skipped, retrieval of a known answer, the on-disk round trip, and incremental updates.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { answerRankingFor } from '../../extension/engine/rag/answerRanking';
import type { Embedder } from '../../extension/engine/rag/embedder';
import { buildIndex, FolderGoneError, readIndexableFile, updateFile, type IndexerParts } from '../../extension/engine/rag/indexer';
import { deleteIndex, indexFolderFor, loadIndex, saveIndex } from '../../extension/engine/rag/indexStore';
import { openModelEmbedder } from '../../extension/engine/rag/modelEmbedder';
import { DEFAULT_WALK, isWalked } from '../../extension/engine/rag/walkFolder';
import { HfTextTokenizer } from '../../extension/engine/tokenizer/hfTokenizer';
import { byteLevelTokenizerJson, makeTempDir, removeTempDir } from './modelFolderFixtures';
import { RAG_FIXTURE, RAG_TEST_MODEL_CONFIG, RAG_TEST_SETTINGS, writeRagTestModel } from './ragFixture';


describe('RAG index', function () {
  this.timeout(60_000);
  let temp: string;
  let root: string;
  let embedder: Embedder;
  let parts: IndexerParts;

  before(async () => {
    temp = makeTempDir('rag-index');
    const modelDir = writeRagTestModel(temp);
    embedder = await openModelEmbedder(modelDir, { threads: 1 });
    parts = {
      tokenizer: new HfTextTokenizer('bytes', byteLevelTokenizerJson()),
      embedder,
      settings: RAG_TEST_SETTINGS,
    };
  });

  beforeEach(() => {
    root = path.join(temp, `folder-${Date.now()}`);
    fs.cpSync(RAG_FIXTURE, root, { recursive: true });
    fs.writeFileSync(path.join(root, 'ignored-notes.txt'), 'listed in .gitignore: zebra\n');
    fs.writeFileSync(path.join(root, 'docs', 'huge.txt'), 'lighthouse '.repeat(500));
  });

  after(async () => {
    await embedder?.release();
    removeTempDir(temp);
  });

  it('indexes the text files, skips .gitignored, binary and oversized ones with counts', async () => {
    const { index, report } = await buildIndex(root, parts);
    assert.deepEqual([...index.files.keys()].sort(), ['.gitignore', 'README.md', 'docs/storms.txt', 'docs/supplies.md', 'docs/tides.md', 'src/rota.ts']);
    assert.deepEqual(report.skipped.map((s) => [s.file, s.reason]).sort(), [['docs/huge.txt', 'too-large'], ['logo.bin', 'binary']]);
    assert.equal(report.ignored, 1);
    assert.equal(report.chunks, index.chunks.size);
    for (const chunk of index.chunks.values()) {
      const text = fs.readFileSync(path.join(root, chunk.file), 'utf8');
      assert.equal(chunk.text, text.slice(chunk.start, chunk.end));
      assert.equal(chunk.startLine, text.slice(0, chunk.start).split('\n').length - 1);
      assert.ok(chunk.tokenCount <= 80);
      assert.equal(index.vectorOf(chunk.id)?.length, RAG_TEST_MODEL_CONFIG.n_embd);
    }
    // Markdown headings start chunks: "## Neap tides" opens one in docs/tides.md.
    assert.ok([...index.chunks.values()].some((c) => c.file === 'docs/tides.md' && c.text.startsWith('## Neap tides')));
  });

  it('ranks the chunk holding the answer first by BM25, and fuses both rankings by RRF with the dense weight asked for', async () => {
    const { index } = await buildIndex(root, parts);
    const question = 'When does the paraffin for the lamp arrive by boat?';
    const vector = await embedder.embed(question);
    const result = index.search(question, vector, 5, { ranking: 'fused', denseWeight: 0.25, reason: '' });
    assert.equal(result.bm25[0].chunk.file, 'docs/supplies.md');
    assert.equal(result.dense.length, 5);
    // The random model's dense ranking is arbitrary, so only the fusion arithmetic is checked.
    for (const fused of result.fused) {
      const part = (rank: number | undefined) => (rank === undefined ? 0 : 1 / (60 + rank));
      assert.ok(Math.abs(fused.score - part(fused.bm25Rank) - 0.25 * part(fused.denseRank)) < 1e-12);
    }
    assert.equal(result.fused.find((f) => f.chunk.id === result.bm25[0].chunk.id)?.bm25Rank, 1);
    assert.equal(result.fed, result.fused);
    // The default embedder's choice: BM25 alone feeds the answer.
    const answer = answerRankingFor(embedder.id);
    assert.equal(answer.ranking, 'bm25');
    assert.equal(index.search(question, vector, 5, answer).fed[0].chunk.file, 'docs/supplies.md');
  });

  it('survives a save and load: same chunks, vectors and rankings', async () => {
    const { index } = await buildIndex(root, parts);
    const dir = indexFolderFor(path.join(temp, 'storage'), root);
    saveIndex(dir, index);
    const loaded = await loadIndex(dir);
    assert.ok(loaded);
    assert.deepEqual(loaded.identity, index.identity);
    assert.deepEqual([...loaded.chunks.values()], [...index.chunks.values()]);
    for (const id of index.chunks.keys()) assert.deepEqual(loaded.vectorOf(id), index.vectorOf(id));
    const q = 'neap tides at the quarter moons';
    const v = await embedder.embed(q);
    assert.deepEqual(loaded.search(q, v, 5, answerRankingFor(embedder.id)), index.search(q, v, 5, answerRankingFor(embedder.id)));
    // A rebuild on top of the loaded index re-embeds nothing that did not change.
    const again = await buildIndex(root, parts, { previous: loaded });
    assert.equal(again.report.reused, again.report.files);
    // A vectors file cut short is reported, naming the file.
    fs.truncateSync(path.join(dir, 'vectors.bin'), 8);
    await assert.rejects(loadIndex(dir), /vectors\.bin/);
    deleteIndex(dir);
    assert.equal(await loadIndex(dir), undefined);
  });

  it('an edit re-indexes only the edited file; a deleted file leaves the index', async () => {
    const { index } = await buildIndex(root, parts);
    const before = new Map([...index.chunks].map(([id, c]) => [id, { chunk: c, vector: index.vectorOf(id) }]));
    fs.appendFileSync(path.join(root, 'docs', 'storms.txt'), 'In fog the keeper sounds the horn: two long blasts every minute.\n');
    const update = await updateFile(index, parts, 'docs/storms.txt');
    assert.equal(update.kind, 'indexed');
    for (const [id, old] of before) {
      if (old.chunk.file === 'docs/storms.txt') continue;
      assert.equal(index.chunks.get(id), old.chunk, `${id} was rebuilt`);
      assert.equal(index.vectorOf(id), old.vector);
    }
    assert.equal(index.search('two long blasts horn', new Float32Array(RAG_TEST_MODEL_CONFIG.n_embd), 1, answerRankingFor(embedder.id)).bm25[0].chunk.file, 'docs/storms.txt');
    fs.rmSync(path.join(root, 'docs', 'storms.txt'));
    assert.deepEqual(await updateFile(index, parts, 'docs/storms.txt'), { kind: 'removed' });
    assert.ok(![...index.chunks.values()].some((c) => c.file === 'docs/storms.txt'));
  });

  it('a folder deleted while indexing ends with counts, and a missing folder with a clear error', async () => {
    let deleted = false;
    const { report } = await buildIndex(root, parts, {
      onProgress: ({ done }) => {
        if (done === 1 && !deleted) {
          fs.rmSync(root, { recursive: true, force: true });
          deleted = true;
        }
      },
    });
    assert.ok(deleted);
    assert.ok(report.skipped.filter((s) => s.reason === 'unreadable' && s.detail === 'no longer exists').length >= 4, JSON.stringify(report.skipped));
    await assert.rejects(buildIndex(root, parts), (error) => error instanceof FolderGoneError && error.message.includes(root));
    assert.deepEqual(await readIndexableFile(root, 'nothing.txt', 100), { file: 'nothing.txt', reason: 'unreadable', detail: 'no longer exists' });
  });

  it('a single changed file is checked against the same rules as the walk', async () => {
    fs.mkdirSync(path.join(root, 'docs', 'drafts'));
    fs.writeFileSync(path.join(root, 'docs', '.gitignore'), 'drafts/\n');
    fs.writeFileSync(path.join(root, 'docs', 'drafts', 'a.md'), 'draft');
    assert.equal(await isWalked(root, 'docs/tides.md', DEFAULT_WALK), true);
    assert.equal(await isWalked(root, 'ignored-notes.txt', DEFAULT_WALK), false);
    assert.equal(await isWalked(root, 'docs/drafts/a.md', DEFAULT_WALK), false);
    assert.equal(await isWalked(root, 'node_modules/x/index.js', DEFAULT_WALK), false);
    assert.equal(await isWalked(root, 'src/rota.ts', { include: ['**/*.md'], exclude: [] }), false);
    const { index } = await buildIndex(root, parts);
    assert.ok(![...index.files.keys()].some((f) => f.startsWith('docs/drafts/')));
  });

  it('indexing stops when cancelled: nothing is embedded after the abort', async () => {
    const controller = new AbortController();
    let embeddedAfterAbort = 0;
    const counting: Embedder = { ...embedder, embed: (text) => ((embeddedAfterAbort += controller.signal.aborted ? 1 : 0), embedder.embed(text)) };
    const progress: string[] = [];
    // Cancelled as a file with text to embed comes up, so a check left out before embedding shows.
    const job = buildIndex(root, { ...parts, embedder: counting }, {
      signal: controller.signal,
      onProgress: ({ file }) => {
        progress.push(file);
        if (file === 'docs/tides.md') controller.abort();
      },
    });
    await assert.rejects(job, (error: Error) => error.name === 'AbortError');
    assert.equal(embeddedAfterAbort, 0);
    assert.equal(progress.at(-1), 'docs/tides.md');
  });
});
