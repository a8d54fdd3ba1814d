// Text generation as a stream of steps, and a convenience that collects the whole result.
// Both are the decode loop of decodeSession.ts: prefill once, then stepOnce until a stop condition.

import type { LanguageModel } from '../model/languageModel';
import { startDecoding, stepOnce, type DecodeOptions, type FinishReason, type GenerationStep } from './decodeSession';

export interface GenerateOptions extends DecodeOptions {
  /**
   * Checked before every step: once aborted, generation ends with reason 'aborted'. A model run in
   * another process also drops the step in flight (the prefill then throws an AbortError).
   */
  readonly signal?: AbortSignal;
}

export type GenerationEnd = FinishReason | 'aborted';

export interface GenerationResult {
  /** Every generated token, a final stop token included. */
  readonly tokens: readonly number[];
  /** Decoded text without a stop token and cut before a stop string ('' without a decode function). */
  readonly text: string;
  readonly finishReason: GenerationEnd;
  readonly steps: readonly GenerationStep[];
  readonly prefillMs: number;
  /** Mean time per generated token after the prefill. */
  readonly msPerToken: number;
}

/**
 * Yields one step per generated token as soon as it is chosen; the generator's return value is the
 * whole result. An abort ends it before the next step, or during one run in another process,
 * keeping everything generated so far.
 */
export async function* generateStream(
  model: LanguageModel,
  prompt: readonly number[],
  options: GenerateOptions,
): AsyncGenerator<GenerationStep, GenerationResult, void> {
  let state = await startDecoding(model, prompt, options, options.signal);
  const steps: GenerationStep[] = [];
  const finish = (finishReason: GenerationEnd): GenerationResult => ({
    tokens: state.generated,
    text: state.text,
    finishReason,
    steps,
    prefillMs: state.prefillMs,
    msPerToken: steps.length ? steps.reduce((sum, s) => sum + s.tokenMs, 0) / steps.length : 0,
  });
  while (!state.finishReason) {
    if (options.signal?.aborted) return finish('aborted');
    let next: Awaited<ReturnType<typeof stepOnce>>;
    try {
      next = await stepOnce(state, 'sample', options.signal);
    } catch (error) {
      if (options.signal?.aborted) return finish('aborted');
      throw error;
    }
    state = next.state;
    steps.push(next.step);
    yield next.step;
  }
  return finish(state.finishReason);
}

/** Runs generateStream to the end and returns its result. */
export async function generate(model: LanguageModel, prompt: readonly number[], options: GenerateOptions): Promise<GenerationResult> {
  const stream = generateStream(model, prompt, options);
  for (;;) {
    const next = await stream.next();
    if (next.done) return next.value;
  }
}

/**
 * The part of a step's text that later tokens cannot change, for printing a stream as it comes:
 * it holds back a trailing U+FFFD (a character whose remaining bytes may come with the next token)
 * and a trailing start of a stop string (which would be cut if the rest follows).
 */
export function settledText(text: string, stopStrings: readonly string[] = []): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === '\uFFFD') end--;
  for (const stop of stopStrings) {
    for (let length = Math.min(stop.length - 1, end); length > 0; length--) {
      if (text.endsWith(stop.slice(0, length), end)) {
        end -= length;
        break;
      }
    }
  }
  return text.slice(0, end);
}
