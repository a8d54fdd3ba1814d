// Which ranking feeds the answer, chosen per embedder from `npm run bench -- rag-quality`
// (38 paraphrased questions over 14 package READMEs, test/fixtures/rag-bench; the table is in
// walkthroughs/step5-memory.md). The panel and `rag query` say which one fed the answer and why.
//
// Measured (recall@1 / MRR by file, chunks of ≤38 tokens, the bundled model's default):
//   pooled hidden states of the bundled model: BM25 53% / 0.673, dense 11% / 0.259, fused (RRF) 39% / 0.531,
//     fused with the dense ranking weighted 0.25: 47% / 0.619. At 96 and 192 tokens BM25 leads by
//     more. Dense is close to noise here, and any fusion with it pushes the right file down: BM25 alone.
//   all-MiniLM-L6-v2: dense 97% / 0.987, fused 84% / 0.910, BM25 53% / 0.673; at 96 tokens dense
//     and fused 92%, at 192 dense 92% and fused 89%. Dense alone is as good as fusion or better at
//     every size, and best at the default size: dense alone.

export type RankingName = 'bm25' | 'dense' | 'fused';

export interface AnswerRanking {
  /** The ranking whose first chunks become the prompt's sources. */
  readonly ranking: RankingName;
  /** Dense retrieval's weight in the fusion, w in 1/(k + rank_bm25) + w/(k + rank_dense). */
  readonly denseWeight: number;
  /** Why, in one sentence, with the measured figures. */
  readonly reason: string;
}

/** An embedder id of embedder.ts: "model:<folder>" (pooled hidden states) or "sentence:<folder>". */
export function answerRankingFor(embedderId: string): AnswerRanking {
  if (embedderId.startsWith('sentence:')) return SENTENCE_RANKING;
  return HIDDEN_STATE_RANKING;
}

const HIDDEN_STATE_RANKING: AnswerRanking = {
  ranking: 'bm25',
  denseWeight: 1,
  reason:
    'BM25 alone: a next-token model\'s pooled hidden states are weak for meaning; on the retrieval benchmark they found the right file first for 11% of questions, fusing them with BM25 for 39%, BM25 alone for 53%',
};

const SENTENCE_RANKING: AnswerRanking = {
  ranking: 'dense',
  denseWeight: 1,
  reason: 'dense alone: on the retrieval benchmark all-MiniLM-L6-v2 found the right file first for 97% of questions, fusion with BM25 for 84%, BM25 alone for 53%',
};
