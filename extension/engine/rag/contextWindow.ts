// How a prompt fills a model's context window. The window holds contextLength tokens: the prompt
// and, after it, the answer still to be generated. When prompt + answer room does not fit,
// something is cut, by one of three policies:
//   'drop-sources':   drop whole sources, lowest-ranked first, until it fits (what RAG pipelines
//                     do: the instruction and question stay whole); only when no source is left,
//                     cut from the start;
//   'truncate-start': keep only the last tokens (a sliding window over the text: the oldest
//                     tokens leave first, the question at the end stays);
//   'truncate-end':   keep only the first tokens (a tokenizer's plain truncation): the end goes
//                     first, and with it the question the model was meant to answer.
// The result lists every segment with the tokens kept and the text cut, to be drawn, not told.

import type { SpanEncoder } from '../tokenizer/types';
import type { PromptSegment } from './promptAssembly';

export type OverflowPolicy = 'drop-sources' | 'truncate-start' | 'truncate-end';

export interface BudgetSegment {
  readonly kind: PromptSegment['kind'];
  readonly label: string;
  readonly tokens: number;
  /** Tokens of this segment still in the window (0 when dropped). */
  readonly kept: number;
  /** The text that did not fit ('' when all of it did): from the segment's start, or its end under 'truncate-end'. */
  readonly cutText: string;
}

export interface ContextBudget {
  readonly contextLength: number;
  /** Room held back for the answer. */
  readonly answerTokens: number;
  /** The prompt's tokens before anything is cut. */
  readonly promptTokens: number;
  /** Prompt tokens over the room (contextLength − answerTokens); 0 when it fits. */
  readonly overflow: number;
  readonly policy: OverflowPolicy;
  readonly segments: readonly BudgetSegment[];
  /** The token ids the model reads: the kept part of every segment, in order. */
  readonly keptIds: readonly number[];
  /** Window tokens left free after the kept prompt and the answer room. */
  readonly free: number;
}

export async function contextBudget(
  tokenizer: SpanEncoder,
  segments: readonly PromptSegment[],
  contextLength: number,
  answerTokens: number,
  policy: OverflowPolicy,
): Promise<ContextBudget> {
  if (answerTokens >= contextLength) throw new Error(`the answer room (${answerTokens} tokens) must be smaller than the context window (${contextLength})`);
  const encoded = await Promise.all(segments.map((s) => tokenizer.encode(s.text)));
  const promptTokens = encoded.reduce((sum, e) => sum + e.length, 0);
  const room = contextLength - answerTokens;
  // Each segment keeps its tokens [from, to); cutting moves `from` forward or `to` back.
  const kept = encoded.map((spans) => ({ from: 0, to: spans.length }));
  let excess = promptTokens - room;
  if (policy === 'drop-sources') {
    for (let i = segments.length - 1; i >= 0 && excess > 0; i--) {
      if (segments[i].kind !== 'source') continue;
      excess -= kept[i].to;
      kept[i].from = kept[i].to;
    }
  }
  if (policy === 'truncate-end') {
    for (let i = segments.length - 1; i >= 0 && excess > 0; i--) {
      const cut = Math.min(kept[i].to, excess);
      kept[i].to -= cut;
      excess -= cut;
    }
  }
  for (let i = 0; i < segments.length && excess > 0; i++) {
    const cut = Math.min(kept[i].to - kept[i].from, excess);
    kept[i].from += cut;
    excess -= cut;
  }
  const budgetSegments = segments.map((s, i): BudgetSegment => {
    const spans = encoded[i];
    const { from, to } = kept[i];
    // Character offsets of the kept tokens; a segment kept whole, or not at all, needs none.
    const start = from === 0 ? 0 : from >= spans.length ? s.text.length : spans[from].start;
    const end = to >= spans.length ? s.text.length : to <= from ? start : spans[to].start;
    return { kind: s.kind, label: s.label, tokens: spans.length, kept: to - from, cutText: s.text.slice(0, start) + s.text.slice(end) };
  });
  const keptIds = encoded.flatMap((spans, i) => spans.slice(kept[i].from, kept[i].to).map((t) => t.id));
  return {
    contextLength,
    answerTokens,
    promptTokens,
    overflow: Math.max(0, promptTokens - room),
    policy,
    segments: budgetSegments,
    keptIds,
    free: contextLength - answerTokens - keptIds.length,
  };
}
