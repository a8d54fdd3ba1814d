// The messages between the RAG & context-window panel (webview) and its controller in the
// extension host. Both sides import this file; isRagRequest() checks everything the webview sends.
import * as v from 'valibot';
import { empty, guardOf, message, oneOf, panelRequests, text, whole, type KitNotification, type Message } from '../shared/protocol';

export const RAG_VIEW_TYPE = 'llmPipeline.rag';

export type OverflowPolicyName = 'drop-sources' | 'truncate-start' | 'truncate-end';
export const OVERFLOW_POLICIES = ['drop-sources', 'truncate-start', 'truncate-end'] as const satisfies readonly OverflowPolicyName[];

export interface FolderView {
  readonly root: string;
  readonly name: string;
  readonly files: number;
  readonly chunks: number;
  /** Largest chunk, in tokens: the setting, lowered to what the model's context window holds. */
  readonly chunkSize: number;
  /** "3 binary, 1 too large, 0 unreadable; 12 ignored" */
  readonly skipped: string;
}

export interface RagStateView {
  readonly folders: readonly FolderView[];
  /** The folder questions go to. */
  readonly active: string | undefined;
  readonly trusted: boolean;
  readonly model: string;
  readonly contextLength: number;
  readonly embedder: string;
  /** How far to trust the embedder (the model's hidden states are weak for meaning). */
  readonly embedderCaveat: string;
  /** With no sentence-embedding model set: the one offered for download, "org/name (91 MB)". */
  readonly offeredEmbedder?: string;
}

export interface ChunkView {
  readonly id: string;
  readonly file: string;
  /** "docs/tides.md:4-9" (1-based lines) */
  readonly location: string;
  readonly title: string;
  readonly preview: string;
  readonly tokens: number;
}

export interface RankedView {
  readonly rank: number;
  readonly score: number;
  readonly chunk: ChunkView;
  readonly bm25Rank?: number;
  readonly denseRank?: number;
}

/** What one retrieval cost: the question's embedding, then the scoring of every chunk. */
export interface RetrievalTiming {
  readonly embedMs: number;
  /** BM25, cosine and fusion over all `chunks`, in the index worker: the round trip to it included. */
  readonly scoreMs: number;
  readonly chunks: number;
}

export interface RetrievalView extends RetrievalTiming {
  readonly question: string;
  readonly bm25: readonly RankedView[];
  readonly dense: readonly RankedView[];
  readonly fused: readonly RankedView[];
  readonly rrfK: number;
  /** Dense retrieval's weight in the fusion. */
  readonly denseWeight: number;
  /** Which of the three rankings feeds the answer, and why (engine/rag/answerRanking.ts). */
  readonly answer: { readonly ranking: 'bm25' | 'dense' | 'fused'; readonly reason: string };
}

export interface BudgetSegmentView {
  readonly kind: 'system' | 'source' | 'question';
  readonly label: string;
  readonly tokens: number;
  readonly kept: number;
  readonly cutText: string;
  readonly chunkId?: string;
}

export interface BudgetView {
  readonly contextLength: number;
  readonly answerTokens: number;
  /** The prompt's tokens before anything is cut. */
  readonly promptTokens: number;
  /** The prompt's tokens still in the window: dropping whole sources can cut more than the overflow. */
  readonly keptTokens: number;
  readonly overflow: number;
  readonly free: number;
  readonly policy: OverflowPolicyName;
  readonly segments: readonly BudgetSegmentView[];
  /** The prompt text the model reads (kept tokens only). */
  readonly promptText: string;
}

export interface SourceView {
  readonly n: number;
  readonly chunkId: string;
  readonly location: string;
  readonly cited: boolean;
}

export interface AnswerView {
  readonly text: string;
  readonly done: boolean;
  readonly sources: readonly SourceView[];
  readonly finishReason?: string;
  readonly tokens: number;
}

export type RagNotification =
  | Message<'state', RagStateView>
  | Message<'question', { question: string }>
  | Message<'retrieval', RetrievalView>
  | Message<'budget', BudgetView>
  | Message<'answer', AnswerView>
  | KitNotification;

export const MAX_QUESTION_CHARS = 20_000;
const MAX_SELECTION_CHARS = 16 * 1024 * 1024;
const MAX_PATH_CHARS = 4095;

/**
 * What the webview keeps across reloads. The question may be a long selection the host put in
 * the box (Show Context Window), so the state allows more than a question typed in the panel.
 */
const panelState = v.strictObject({
  question: text(MAX_SELECTION_CHARS),
  policy: oneOf(OVERFLOW_POLICIES),
  answerTokens: whole(0, 1 << 20),
});
export type RagPanelState = v.InferOutput<typeof panelState>;

const ragRequests = panelRequests(panelState, [
  message(
    'ask',
    v.strictObject({ question: text(MAX_QUESTION_CHARS), policy: oneOf(OVERFLOW_POLICIES), answerTokens: whole(1, 4096), generate: v.boolean() }),
  ),
  message('openChunk', v.strictObject({ id: text(MAX_PATH_CHARS) })),
  message('chooseFolder', v.strictObject({ root: text(MAX_PATH_CHARS) })),
  message('attach', empty),
  message('detach', v.strictObject({ root: text(MAX_PATH_CHARS) })),
  message('stop', empty),
  message('chooseEmbedder', empty),
  message('downloadEmbedder', empty),
]);
export type RagRequest = v.InferOutput<typeof ragRequests>;

/** The guard the panel kit applies to every message from the RAG webview. */
export const isRagRequest = guardOf(ragRequests);
