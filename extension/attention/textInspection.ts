// The text an inspector runs: tokenized by the model's own tokenizer and cut to the model's
// context, then run once through the inspection runner.
import type { InspectionResult, Inspector } from '../engine/runtime/inspection';
import type { SpanEncoder, TokenSpan } from '../engine/tokenizer/types';

/**
 * Text beyond this many characters per context position is not tokenized: even a tokenizer whose
 * tokens average this long fills the context before it.
 */
export const MAX_CHARS_PER_POSITION = 32;

export interface TextInspection {
  /** The tokens run, at most the context length. */
  readonly spans: readonly TokenSpan[];
  /** Set when the text had more tokens than the context holds. */
  readonly cut?: {
    /** Tokens in the text, or a lower bound when `atLeast`. */
    readonly tokens: number;
    readonly atLeast: boolean;
    readonly contextLength: number;
  };
  readonly result: InspectionResult;
}

/** `signal` cancels the inspector's run (a newer inspection replaced this one). */
export async function inspectText(text: string, tokenizer: SpanEncoder, inspector: Inspector, signal?: AbortSignal): Promise<TextInspection> {
  const context = inspector.contextLength;
  const longest = context * MAX_CHARS_PER_POSITION;
  const spans = await tokenizer.encode(text.length > longest ? text.slice(0, longest) : text);
  if (spans.length === 0) throw new Error('the text has no tokens to inspect');
  const kept = spans.slice(0, context);
  const cut = spans.length > context ? { tokens: spans.length, atLeast: text.length > longest, contextLength: context } : undefined;
  const result = await inspector.run(kept.map((s) => s.id), signal);
  return { spans: kept, cut, result };
}
