// The answer ranking's defaults (answerRanking.ts) hold on the retrieval benchmark
// (test/fixtures/rag-bench): with the bundled model's hidden states, the ranking that feeds the
// answer finds the right file first at least as often as BM25 and more often than fusion; with
// all-MiniLM-L6-v2, for at least 85% of the questions. Chunks as the panel cuts them for the
// bundled model's window (38 tokens). `npm run bench -- rag-quality` prints the whole table.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { answerRankingFor, type AnswerRanking } from '../../extension/engine/rag/answerRanking';
import type { Embedder } from '../../extension/engine/rag/embedder';
import { buildIndex } from '../../extension/engine/rag/indexer';
import { DEFAULT_INDEX_SETTINGS, fittedIndexSettings } from '../../extension/engine/rag/indexSettings';
import { openModelEmbedder } from '../../extension/engine/rag/modelEmbedder';
import type { RagIndex } from '../../extension/engine/rag/ragIndex';
import { firstRelevantRank, scoreRanks } from '../../extension/engine/rag/retrievalMetrics';
import { openSentenceEmbedder } from '../../extension/engine/rag/sentenceEmbedder';
import { loadTokenizerFile } from '../../extension/engine/tokenizer/loadTokenizerFile';
import { bundledModelFolder } from '../../extension/model/bundledModel';
import { embeddingModelDir, hasEmbeddingModel } from '../harness/embeddingModel';
import { RAG_BENCH_DOCS, ragBenchQuestions } from './ragFixture';

const questions = ragBenchQuestions();
const plain = (ranking: AnswerRanking['ranking']): AnswerRanking => ({ ranking, denseWeight: 1, reason: '' });

/** recall@1 of `ranking` over the benchmark's questions. */
async function recallAt1(index: RagIndex, embedder: Embedder, ranking: AnswerRanking): Promise<number> {
  const ranks = [];
  for (const q of questions) {
    const retrieval = index.search(q.question, await embedder.embed(q.question), 5, ranking);
    ranks.push(firstRelevantRank(retrieval.fed.map((c) => c.chunk.file), q.file));
  }
  return scoreRanks(ranks).recallAt1;
}

describe('RAG answer ranking on the retrieval benchmark', function () {
  this.timeout(600_000);
  const modelDir = bundledModelFolder(path.join(__dirname, '..', '..'));

  async function benchIndex(embedder: Embedder): Promise<RagIndex> {
    assert.ok(modelDir, 'a model is bundled under models/');
    const tokenizer = await loadTokenizerFile(modelDir);
    const settings = fittedIndexSettings(DEFAULT_INDEX_SETTINGS, 256);
    return (await buildIndex(RAG_BENCH_DOCS, { tokenizer, embedder, settings })).index;
  }

  it('has at least 30 questions, each naming a file of the benchmark', () => {
    assert.ok(questions.length >= 30, `${questions.length} questions`);
    assert.ok(questions.every((q) => q.question.endsWith('?') && q.file.endsWith('.md') && q.section));
  });

  it('with the bundled model\'s hidden states: the answer ranking is BM25, at least as good as BM25 and better than fusion', async () => {
    assert.ok(modelDir);
    const embedder = await openModelEmbedder(modelDir);
    try {
      const index = await benchIndex(embedder);
      const answer = await recallAt1(index, embedder, answerRankingFor(embedder.id));
      assert.ok(answer >= (await recallAt1(index, embedder, plain('bm25'))));
      assert.ok(answer > (await recallAt1(index, embedder, plain('fused'))));
    } finally {
      await embedder.release();
    }
  });

  it('with all-MiniLM-L6-v2: the answer ranking finds the right file first for at least 85% of questions', async () => {
    // npm test provisions it first; a run without it fails here rather than passing by skipping.
    assert.ok(hasEmbeddingModel(), `${embeddingModelDir} is not provisioned: run npm run provision`);
    const embedder = await openSentenceEmbedder(embeddingModelDir);
    try {
      const index = await benchIndex(embedder);
      const answer = await recallAt1(index, embedder, answerRankingFor(embedder.id));
      assert.ok(answer >= 0.85, `recall@1 ${answer}`);
      assert.ok(answer >= (await recallAt1(index, embedder, plain('bm25'))));
    } finally {
      await embedder.release();
    }
  });
});
