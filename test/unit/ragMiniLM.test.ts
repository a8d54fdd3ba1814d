// The sentence-embedding path on a real model: all-MiniLM-L6-v2 (4-bit weights, external data),
// provisioned into .harness/models/ by `npm run provision` (test/harness/embeddingModel.ts).
// Its vectors must equal transformers.js's feature-extraction pipeline on the same folder (an
// independent tokenizer, session and pooling), place paraphrases close, and let dense retrieval
// find answers that share no words with the question, where BM25 cannot.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Embedder } from '../../extension/engine/rag/embedder';
import { fitChunkToWindow } from '../../extension/engine/rag/chunker';
import { buildIndex } from '../../extension/engine/rag/indexer';
import type { RagIndex } from '../../extension/engine/rag/ragIndex';
import { openSentenceEmbedder } from '../../extension/engine/rag/sentenceEmbedder';
import { DEFAULT_WALK } from '../../extension/engine/rag/walkFolder';
import { loadTokenizerFile } from '../../extension/engine/tokenizer/loadTokenizerFile';
import { bundledModelFolder } from '../../extension/model/bundledModel';
import { SAMPLES_FOLDER_PATH } from '../../extension/walkthrough/tryItSteps';
import { embeddingModelDir, hasEmbeddingModel } from '../harness/embeddingModel';
import { answerRankingFor } from '../../extension/engine/rag/answerRanking';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'rag');
const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i], 0);

describe('sentence embeddings with all-MiniLM-L6-v2', function () {
  this.timeout(120_000);
  let embedder: Embedder;

  before(async () => {
    // npm test provisions it first; a run without it fails here rather than passing by skipping.
    if (!hasEmbeddingModel()) throw new Error(`${embeddingModelDir} is not provisioned: run npm run provision (npm test does)`);
    embedder = await openSentenceEmbedder(embeddingModelDir, { threads: 1 });
  });

  after(async () => {
    await embedder?.release();
  });

  it('finds the 4-bit graph and reads its width and length from the folder', () => {
    assert.equal(embedder.dimensions, 384);
    assert.equal(embedder.maxTokens, 512);
    assert.equal(embedder.id, `sentence:${path.resolve(embeddingModelDir)}`);
  });

  it('gives the vectors of transformers.js feature-extraction (mean pooling, normalized)', async () => {
    const tf = await import('@huggingface/transformers');
    tf.env.allowRemoteModels = false;
    tf.env.allowLocalModels = true;
    tf.env.localModelPath = `${path.dirname(embeddingModelDir)}${path.sep}`;
    const extract = await tf.pipeline('feature-extraction', path.basename(embeddingModelDir), { dtype: 'q4', local_files_only: true });
    try {
      const texts = ['A cat sits on the mat.', 'Paraffin for the lamp arrives by boat on the first Tuesday.', 'export function nightWatches(keepers: string[]) {}', 'Ünïcödé, emoji 🚢 and CJK 灯台'];
      for (const text of texts) {
        const theirs = (await extract(text, { pooling: 'mean', normalize: true })).data as Float32Array;
        const ours = await embedder.embed(text);
        assert.equal(ours.length, theirs.length);
        for (let i = 0; i < ours.length; i++) assert.ok(Math.abs(ours[i] - theirs[i]) < 1e-4, `${text} [${i}]: ${ours[i]} vs ${theirs[i]}`);
      }
    } finally {
      await extract.dispose();
    }
  });

  it('places a paraphrase closer than an unrelated sentence', async () => {
    const [cat, kitten, market] = await Promise.all(['A cat sits on the mat.', 'A kitten is resting on a rug.', 'The stock market fell sharply today.'].map((t) => embedder.embed(t)));
    assert.ok(dot(cat, kitten) > 0.5, `cat/kitten ${dot(cat, kitten)}`);
    assert.ok(dot(cat, market) < 0.3, `cat/market ${dot(cat, market)}`);
  });

  describe('retrieval over the fixture folder', () => {
    let index: RagIndex;
    before(async () => {
      const modelDir = bundledModelFolder(path.join(__dirname, '..', '..'));
      assert.ok(modelDir, 'a model is bundled under models/');
      const tokenizer = await loadTokenizerFile(modelDir);
      ({ index } = await buildIndex(FIXTURE, { tokenizer, embedder, settings: { walk: DEFAULT_WALK, chunk: { size: 80, overlap: 16 }, maxFileBytes: 4000 } }));
    });

    // Questions whose answer's file shares none of their content words: BM25 ranks on the
    // function words ("when", "is", "the") and misses; the embedding model does not.
    for (const [question, file] of [
      ['When is fuel for the light delivered?', 'docs/supplies.md'],
      ['What food is bought?', 'docs/supplies.md'],
      ['How do sailors find shelter during a gale?', 'docs/storms.txt'],
    ]) {
      it(`"${question}": dense ranks ${file} first, BM25 does not`, async () => {
        const result = index.search(question, await embedder.embed(question), 3, answerRankingFor(embedder.id));
        assert.equal(result.dense[0].chunk.file, file);
        assert.notEqual(result.bm25[0]?.chunk.file, file);
      });
    }
  });

  // The example step 5 of the walkthrough gives, on the samples folder its "Try it" attaches, with
  // the chunk size the extension uses for the bundled model's window.
  describe('retrieval over the walkthrough samples folder', () => {
    const page = fs.readFileSync(path.join(__dirname, '..', '..', 'walkthroughs', 'step5-memory-and-context.md'), 'utf8').replace(/\s+/g, ' ');
    const question = /a question such as "([^"]+)" then ranks the kite story's chunks about Grandpa first/.exec(page)?.[1];
    let index: RagIndex;
    before(async () => {
      const modelDir = bundledModelFolder(path.join(__dirname, '..', '..'));
      assert.ok(modelDir, 'a model is bundled under models/');
      const tokenizer = await loadTokenizerFile(modelDir);
      // The default chunk settings, fitted to the bundled model's window as extension/rag/ragParts.ts
      // does (64 tokens for the answer, four sources; that module needs vscode, so not imported).
      const chunk = fitChunkToWindow({ size: 256, overlap: 32 }, { contextLength: 256, answerTokens: 64, sources: 4 });
      ({ index } = await buildIndex(path.join(__dirname, '..', '..', ...SAMPLES_FOLDER_PATH), { tokenizer, embedder, settings: { walk: DEFAULT_WALK, chunk, maxFileBytes: 100_000 } }));
    });

    it('the page\'s question: dense ranks a kite-story chunk about Grandpa first, BM25 a pebble-story chunk', async () => {
      assert.ok(question, 'step 5 quotes its example question');
      const result = index.search(question, await embedder.embed(question), 3, answerRankingFor(embedder.id));
      assert.equal(path.basename(result.dense[0].chunk.file), 'kite.txt');
      assert.match(result.dense[0].chunk.text, /Grandpa/);
      assert.doesNotMatch(result.dense[0].chunk.text.toLowerCase(), /grandfather|bring/, 'no content word in common');
      assert.equal(path.basename(result.bm25[0].chunk.file), 'story.txt');
    });
  });
});
