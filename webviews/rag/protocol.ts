// The messages between the RAG & context-window panel (webview) and its controller in the
// extension host. Both sides import this file; isRagRequest() checks everything the webview sends.
import { isMessageOf, isObject, type Message } from '../shared/protocol';

export const RAG_VIEW_TYPE = 'llmPipeline.rag';

export type OverflowPolicyName = 'drop-sources' | 'truncate-start' | 'truncate-end';
export const OVERFLOW_POLICIES: readonly OverflowPolicyName[] = ['drop-sources', 'truncate-start', 'truncate-end'];

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
  /** BM25, cosine and fusion over all `chunks`. */
  readonly scoreMs: number;
  readonly chunks: number;
}

export interface RetrievalView extends RetrievalTiming {
  readonly question: string;
  readonly bm25: readonly RankedView[];
  readonly dense: readonly RankedView[];
  readonly fused: readonly RankedView[];
  readonly rrfK: number;
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

/** What the webview keeps across reloads. */
export interface RagPanelState {
  readonly question: string;
  readonly policy: OverflowPolicyName;
  readonly answerTokens: number;
}

export type RagRequest =
  | Message<'ready', { state?: RagPanelState }>
  | Message<'ask', { question: string; policy: OverflowPolicyName; answerTokens: number; generate: boolean }>
  | Message<'openChunk', { id: string }>
  | Message<'chooseFolder', { root: string }>
  | Message<'attach', Record<string, never>>
  | Message<'detach', { root: string }>
  | Message<'stop', Record<string, never>>;

export type RagNotification =
  | Message<'state', RagStateView>
  | Message<'question', { question: string }>
  | Message<'retrieval', RetrievalView>
  | Message<'budget', BudgetView>
  | Message<'answer', AnswerView>
  | Message<'error', { message: string }>;

const empty = (p: unknown) => isObject(p);
const root = (p: unknown) => isObject(p) && typeof p.root === 'string' && p.root.length < 4096;
const isPolicy = (v: unknown): v is OverflowPolicyName => OVERFLOW_POLICIES.includes(v as OverflowPolicyName);

function isState(value: unknown): boolean {
  return isObject(value) && typeof value.question === 'string' && isPolicy(value.policy) && Number.isInteger(value.answerTokens);
}

export const MAX_QUESTION_CHARS = 20_000;

export function isRagRequest(value: unknown): value is RagRequest {
  return (
    isMessageOf(value, 'ready', (p) => isObject(p) && (p.state === undefined || isState(p.state))) ||
    isMessageOf(
      value,
      'ask',
      (p) =>
        isObject(p) &&
        typeof p.question === 'string' &&
        p.question.length <= MAX_QUESTION_CHARS &&
        isPolicy(p.policy) &&
        Number.isInteger(p.answerTokens) &&
        (p.answerTokens as number) >= 1 &&
        (p.answerTokens as number) <= 4096 &&
        typeof p.generate === 'boolean',
    ) ||
    isMessageOf(value, 'openChunk', (p) => isObject(p) && typeof p.id === 'string' && p.id.length < 4096) ||
    isMessageOf(value, 'chooseFolder', root) ||
    isMessageOf(value, 'attach', empty) ||
    isMessageOf(value, 'detach', root) ||
    isMessageOf(value, 'stop', empty)
  );
}
