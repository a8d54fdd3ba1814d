// RAG retrieval quality: recall@1, recall@5 and MRR (retrievalMetrics.ts) of BM25, dense and
// fused rankings on test/fixtures/rag-bench (38 paraphrased questions over 14 package READMEs),
// for each embedder available (the bundled model's pooled hidden states; all-MiniLM-L6-v2 when
// `npm run provision` has put it in .harness/models/) and a few chunk sizes, counted in the
// bundled model's tokens as the panel counts them. Fusion is shown with dense weights 1 (plain
// RRF), 0.5 and 0.25. Ranking quality does not depend on the machine's load.
// The rows marked "answer" are what answerRanking.ts feeds the answer with.

import * as path from 'node:path';
import { answerRankingFor, type AnswerRanking, type RankingName } from '../../extension/engine/rag/answerRanking';
import type { Embedder } from '../../extension/engine/rag/embedder';
import { buildIndex, type IndexerParts } from '../../extension/engine/rag/indexer';
import { DEFAULT_INDEX_SETTINGS } from '../../extension/engine/rag/indexSettings';
import { openModelEmbedder } from '../../extension/engine/rag/modelEmbedder';
import { firstRelevantRank, scoreRanks, type RankingScores } from '../../extension/engine/rag/retrievalMetrics';
import { openSentenceEmbedder } from '../../extension/engine/rag/sentenceEmbedder';
import { loadTokenizerFile } from '../../extension/engine/tokenizer/loadTokenizerFile';
import type { TextTokenizer } from '../../extension/engine/tokenizer/types';
import { bundledModelFolder } from '../../extension/model/bundledModel';
import { embeddingModelDir, hasEmbeddingModel } from '../harness/embeddingModel';
import { RAG_BENCH_DOCS, ragBenchQuestions, type RagBenchQuestion } from '../unit/ragFixture';
import type { Bench } from './bench';

/** 38 is the bundled model's default: its 256-token window holds 4 sources of 38 and a 64-token answer. */
const CHUNK_SIZES = [38, 96, 192];
/** Deep enough that MRR counts a right file found late. */
const DEPTH = 20;
const DENSE_WEIGHTS = [1, 0.5, 0.25];

/** Each ranking compared: BM25, dense, and fusion with each dense weight. */
function variants(): { label: string; ranking: AnswerRanking }[] {
  const plain = (ranking: RankingName): AnswerRanking => ({ ranking, denseWeight: 1, reason: '' });
  return [
    { label: 'BM25', ranking: plain('bm25') },
    { label: 'dense', ranking: plain('dense') },
    ...DENSE_WEIGHTS.map((w) => ({ label: `fused (dense weight ${w})`, ranking: { ranking: 'fused' as const, denseWeight: w, reason: '' } })),
  ];
}

function row(label: string, scores: RankingScores, mark: string): void {
  const pct = (x: number) => `${(100 * x).toFixed(0)}%`.padStart(6);
  console.log(`  ${label.padEnd(28)} ${pct(scores.recallAt1)} ${pct(scores.recallAt5)}   ${scores.mrr.toFixed(3)}  ${mark}`);
}

async function scoreEmbedder(embedder: Embedder, tokenizer: TextTokenizer, questions: readonly RagBenchQuestion[]): Promise<void> {
  const answer = answerRankingFor(embedder.id);
  const vectors: Float32Array[] = [];
  for (const q of questions) vectors.push(await embedder.embed(q.question));
  for (const size of CHUNK_SIZES) {
    const settings = { ...DEFAULT_INDEX_SETTINGS, chunk: { size, overlap: Math.floor(size / 4) } };
    const parts: IndexerParts = { tokenizer, embedder, settings };
    const { index, report } = await buildIndex(RAG_BENCH_DOCS, parts);
    console.log(`\n  ${embedder.label}, chunks of ≤${size} tokens (${report.chunks} chunks in ${report.files} files)`);
    console.log(`  ${'ranking'.padEnd(28)} ${'R@1'.padStart(6)} ${'R@5'.padStart(6)}   MRR`);
    for (const { label, ranking } of variants()) {
      const ranks = questions.map((q, i) => {
        const retrieval = index.search(q.question, vectors[i], DEPTH, ranking);
        return firstRelevantRank(retrieval.fed.map((c) => c.chunk.file), q.file);
      });
      const isAnswer = ranking.ranking === answer.ranking && (ranking.ranking !== 'fused' || ranking.denseWeight === answer.denseWeight);
      row(label, scoreRanks(ranks), isAnswer ? '← answer' : '');
    }
  }
}

async function withEmbedder(open: Promise<Embedder>, work: (embedder: Embedder) => Promise<void>): Promise<void> {
  const embedder = await open;
  try {
    await work(embedder);
  } finally {
    await embedder.release();
  }
}

export const bench: Bench = {
  name: 'rag-quality',
  description: 'RAG retrieval quality (recall@1, recall@5, MRR by file) on 38 paraphrased questions over 14 READMEs, per embedder, ranking and chunk size',
  async run() {
    const modelDir = bundledModelFolder(path.join(__dirname, '..', '..'));
    if (!modelDir) {
      console.log('  skipped: no bundled model under models/ (config.json and onnx/model.onnx)');
      return;
    }
    const questions = ragBenchQuestions();
    const tokenizer = await loadTokenizerFile(modelDir);
    await withEmbedder(openModelEmbedder(modelDir), (e) => scoreEmbedder(e, tokenizer, questions));
    if (!hasEmbeddingModel()) {
      console.log(`\n  all-MiniLM-L6-v2 skipped: ${embeddingModelDir} is not provisioned (npm run provision)`);
      return;
    }
    await withEmbedder(openSentenceEmbedder(embeddingModelDir), (e) => scoreEmbedder(e, tokenizer, questions));
  },
};
