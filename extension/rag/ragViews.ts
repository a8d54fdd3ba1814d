// Engine results turned into what the RAG panel draws (webviews/rag/protocol.ts).
import * as path from 'node:path';
import type { IndexReport } from '../engine/rag/indexer';
import type { ContextBudget } from '../engine/rag/contextWindow';
import type { IndexedChunk, RankedChunk, FusedChunk, Retrieval } from '../engine/rag/ragIndex';
import type { BudgetView, ChunkView, FolderView, RankedView, RetrievalTiming, RetrievalView } from '../../webviews/rag/protocol';

const PREVIEW_CHARS = 240;

/** "docs/tides.md:4-9", lines counted from 1. */
export function chunkLocation(chunk: IndexedChunk): string {
  const first = chunk.startLine + 1;
  const last = chunk.endLine + 1;
  return `${chunk.file}:${first === last ? first : `${first}-${last}`}`;
}

export function chunkView(chunk: IndexedChunk): ChunkView {
  const flat = chunk.text.replace(/\s+/g, ' ').trim();
  return {
    id: chunk.id,
    file: chunk.file,
    location: chunkLocation(chunk),
    title: chunk.title,
    preview: flat.length > PREVIEW_CHARS ? `${flat.slice(0, PREVIEW_CHARS)}…` : flat,
    tokens: chunk.tokenCount,
  };
}

function rankedView(r: RankedChunk | FusedChunk): RankedView {
  const fused = r as FusedChunk;
  return { rank: r.rank, score: r.score, chunk: chunkView(r.chunk), bm25Rank: fused.bm25Rank, denseRank: fused.denseRank };
}

export function retrievalView(retrieval: Retrieval, timing: RetrievalTiming): RetrievalView {
  return {
    question: retrieval.query,
    bm25: retrieval.bm25.map(rankedView),
    dense: retrieval.dense.map(rankedView),
    fused: retrieval.fused.map(rankedView),
    rrfK: retrieval.rrfK,
    denseWeight: retrieval.answer.denseWeight,
    answer: { ranking: retrieval.answer.ranking, reason: retrieval.answer.reason },
    ...timing,
  };
}

export function skippedSummary(report: IndexReport | undefined): string {
  if (!report) return '';
  const count = (reason: string) => report.skipped.filter((s) => s.reason === reason).length;
  const folders = report.unreadableFolders.length ? `, ${report.unreadableFolders.length} unreadable folders` : '';
  return `${count('binary')} binary, ${count('too-large')} too large, ${count('unreadable')} unreadable; ${report.ignored} ignored, ${report.notIncluded} not included${folders}`;
}

export function folderView(root: string, files: number, chunks: number, chunkSize: number, report: IndexReport | undefined): FolderView {
  return { root, name: path.basename(root), files, chunks, chunkSize, skipped: skippedSummary(report) };
}

export function budgetView(budget: ContextBudget, chunkIds: readonly (string | undefined)[], promptText: string): BudgetView {
  return {
    contextLength: budget.contextLength,
    answerTokens: budget.answerTokens,
    promptTokens: budget.promptTokens,
    keptTokens: budget.keptIds.length,
    overflow: budget.overflow,
    free: budget.free,
    policy: budget.policy,
    segments: budget.segments.map((s, i) => ({ kind: s.kind, label: s.label, tokens: s.tokens, kept: s.kept, cutText: s.cutText, chunkId: chunkIds[i] })),
    promptText,
  };
}
