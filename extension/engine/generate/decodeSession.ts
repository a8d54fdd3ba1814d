// Autoregressive decoding with a KV cache, one token at a time:
//   prefill: run the whole prompt once → logits for the first new token, and the prompt's cache
//   decode:  pick a token from those logits, feed only that token with the cache → the next logits
// so every token goes through the model exactly once. The state is immutable (so is the cache):
// the Decoding Playground can keep old states to step back, or force any candidate at any step.

import type { KVCache, LanguageModel } from '../model/languageModel';
import { Mulberry32 } from './random';
import {
  forceToken,
  sampleToken,
  samplingDistribution,
  validateSamplerSettings,
  type SamplerSettings,
  type SamplingDistribution,
  type SamplingTrace,
} from './samplingPipeline';

const NO_CONTEXT: readonly number[] = [];

/** What to do when the next token would not fit in the model's context window. */
export type ContextOverflow = 'stop' | 'slide';

export interface DecodeOptions {
  readonly sampler: SamplerSettings;
  readonly maxNewTokens: number;
  /** Seed of the Mulberry32 generator: the same seed gives the same tokens. Default 0. */
  readonly seed?: number;
  /** Generation ends once one of these is chosen (e.g. <|endoftext|>); it is left out of the text. */
  readonly stopTokenIds?: readonly number[];
  /** Generation ends once the decoded text contains one of these; the text is cut before it. */
  readonly stopStrings?: readonly string[];
  /** Turns generated token IDs into text (the tokenizer's decode); needed for stop strings. */
  readonly decode?: (ids: readonly number[]) => string;
  /**
   * 'stop' (default) ends generation with reason 'context-full'. 'slide' keeps the most recent half
   * of the window and prefills it again (positions are learned, so the old cache cannot be shifted);
   * half, so that this full prefill happens at most once every contextLength / 2 tokens.
   */
  readonly contextOverflow?: ContextOverflow;
  /**
   * Candidates traced per step (GenerationStep.trace). Default 0, no trace: a trace needs the
   * model's own probabilities, a pass of exp() over the whole vocabulary at every token (about a
   * sixth of a decode step for the bundled model), and only the Decoding Playground draws one,
   * through nextTokenDistribution.
   */
  readonly topN?: number;
}

export type FinishReason = 'max-new-tokens' | 'stop-token' | 'stop-string' | 'context-full';

/** Everything needed to take the next step. Never changed in place. */
export interface DecodeState {
  readonly model: LanguageModel;
  /** Plain data: spread it with new sampler settings to change them between steps. */
  readonly options: DecodeOptions;
  readonly prompt: readonly number[];
  /** Every token chosen so far, a stop token included. */
  readonly generated: readonly number[];
  readonly cache: KVCache;
  /** The model's logits for the next token. */
  readonly nextLogits: Float32Array;
  /** Mulberry32 state: where the random sequence continues. */
  readonly randomState: number;
  /** Decoded text of the generated tokens, without a stop token and cut before a stop string. */
  readonly text: string;
  /** Set once generation has ended; stepOnce refuses to go further. */
  readonly finishReason: FinishReason | null;
  readonly prefillMs: number;
}

/** 'sample' draws from the pipeline; { token } takes that token whatever its probability. */
export type StepChoice = 'sample' | { readonly token: number };

export interface GenerationStep {
  /** 0 for the first new token. */
  readonly index: number;
  readonly token: number;
  /** Probability of the token in the distribution sampled at this step. */
  readonly probability: number;
  /** True when the caller chose the token rather than the sampler. */
  readonly forced: boolean;
  /** The top-N candidates and what each filter did to them (no candidates unless DecodeOptions.topN asks for them). */
  readonly trace: SamplingTrace;
  /** Generated text so far (as DecodeState.text). */
  readonly text: string;
  /** Tokens held by the cache after this step, and its size in bytes. */
  readonly cacheLength: number;
  readonly cacheBytes: number;
  /** Oldest tokens dropped from the window at this step (contextOverflow 'slide'); usually 0. */
  readonly droppedTokens: number;
  readonly prefillMs: number;
  /** Time for this step: sampling plus the model call for the chosen token. */
  readonly tokenMs: number;
  /** Set on the step that ends generation. */
  readonly finishReason: FinishReason | null;
}

/** Checks the options, then runs the prompt through the model once (the prefill); `signal` cancels the model's run. */
export async function startDecoding(model: LanguageModel, prompt: readonly number[], options: DecodeOptions, signal?: AbortSignal): Promise<DecodeState> {
  validateOptions(model, prompt, options);
  let fed = prompt;
  if (prompt.length > model.contextLength) {
    if ((options.contextOverflow ?? 'stop') === 'stop') {
      throw new Error(
        `the prompt has ${prompt.length} tokens but the model's context holds ${model.contextLength}; ` +
          `shorten it or let the window slide (contextOverflow: 'slide')`,
      );
    }
    fed = recentHalf(prompt, model.contextLength);
  }
  const started = performance.now();
  const { logits, cache } = await model.forward(fed, undefined, signal);
  return {
    model,
    options,
    prompt,
    generated: [],
    cache,
    nextLogits: logits,
    randomState: new Mulberry32(options.seed ?? 0).state,
    text: '',
    finishReason: options.maxNewTokens === 0 ? 'max-new-tokens' : null,
    prefillMs: performance.now() - started,
  };
}

/** The distribution the next step will sample from, with a trace of `topN` candidates, without taking the step. */
export function nextTokenDistribution(state: DecodeState, topN = state.options.topN ?? 0): SamplingDistribution {
  return samplingDistribution(state.nextLogits, state.options.sampler, [...state.prompt, ...state.generated], topN);
}

/** Chooses one token (sampled, or the caller's), checks the stop conditions, and feeds it to the model; `signal` cancels the model's run. */
export async function stepOnce(state: DecodeState, choice: StepChoice = 'sample', signal?: AbortSignal): Promise<{ state: DecodeState; step: GenerationStep }> {
  if (state.finishReason) throw new Error(`generation has already finished (${state.finishReason})`);
  const { model, options } = state;
  const started = performance.now();
  // The repetition penalty reads the tokens so far; without it the O(n) copy is not made. (Such
  // per-token copies lived long enough in the API server to be promoted, and cost it major GCs.)
  const context = (options.sampler.repetitionPenalty ?? 1) === 1 ? NO_CONTEXT : [...state.prompt, ...state.generated];
  const random = new Mulberry32(state.randomState);
  const topN = options.topN ?? 0;
  const picked =
    choice === 'sample'
      ? sampleToken(state.nextLogits, options.sampler, context, random, topN)
      : forceToken(state.nextLogits, options.sampler, context, choice.token, topN);
  const generated = [...state.generated, picked.token];

  let finishReason: FinishReason | null = null;
  let text = state.text;
  if (options.stopTokenIds?.includes(picked.token)) {
    finishReason = 'stop-token';
  } else if (options.decode) {
    text = options.decode(generated);
    const cut = firstStopString(text, options.stopStrings ?? []);
    if (cut >= 0) {
      text = text.slice(0, cut);
      finishReason = 'stop-string';
    }
  }
  if (!finishReason && generated.length >= options.maxNewTokens) finishReason = 'max-new-tokens';

  let { cache, nextLogits } = state;
  let droppedTokens = 0;
  if (!finishReason) {
    if (cache.length + 1 <= model.contextLength) {
      ({ logits: nextLogits, cache } = await model.forward([picked.token], cache, signal));
    } else if ((options.contextOverflow ?? 'stop') === 'slide') {
      const kept = recentHalf([...tokensInCache(state), picked.token], model.contextLength);
      droppedTokens = cache.length + 1 - kept.length;
      ({ logits: nextLogits, cache } = await model.forward(kept, undefined, signal));
    } else {
      finishReason = 'context-full';
    }
  }

  const next: DecodeState = { ...state, generated, cache, nextLogits, randomState: random.state, text, finishReason };
  const step: GenerationStep = {
    index: generated.length - 1,
    token: picked.token,
    probability: picked.probability,
    forced: choice !== 'sample',
    trace: picked.trace,
    text,
    cacheLength: cache.length,
    cacheBytes: cache.bytes,
    droppedTokens,
    prefillMs: state.prefillMs,
    tokenMs: performance.now() - started,
    finishReason,
  };
  return { state: next, step };
}

/** The earliest position where any stop string starts in `text`, or -1. */
export function firstStopString(text: string, stopStrings: readonly string[]): number {
  let first = -1;
  for (const stop of stopStrings) {
    const at = text.indexOf(stop);
    if (at >= 0 && (first < 0 || at < first)) first = at;
  }
  return first;
}

/**
 * The tokens the cache holds, oldest first: the last cache.length tokens fed to the model (a slide
 * drops the oldest, and a generation that has finished has not fed its last token).
 */
export function tokensInCache(state: DecodeState): readonly number[] {
  const fed = [...state.prompt, ...state.generated].slice(0, state.finishReason ? -1 : undefined);
  return fed.slice(fed.length - state.cache.length);
}

function recentHalf(tokens: readonly number[], contextLength: number): readonly number[] {
  return tokens.slice(tokens.length - Math.max(1, Math.floor(contextLength / 2)));
}

function validateOptions(model: LanguageModel, prompt: readonly number[], options: DecodeOptions): void {
  if (prompt.length === 0) throw new Error('the prompt is empty: the model needs at least one token to predict the next');
  const bad = prompt.find((t) => !Number.isInteger(t) || t < 0 || t >= model.vocabSize);
  if (bad !== undefined) throw new Error(`prompt token ${bad} is not in the vocabulary (0..${model.vocabSize - 1})`);
  if (!Number.isInteger(options.maxNewTokens) || options.maxNewTokens < 0) {
    throw new Error(`maxNewTokens must be a whole number >= 0, got ${options.maxNewTokens}`);
  }
  if (options.seed !== undefined && !Number.isInteger(options.seed)) throw new Error(`seed must be a whole number, got ${options.seed}`);
  if (options.topN !== undefined && (!Number.isInteger(options.topN) || options.topN < 0)) {
    throw new Error(`topN must be a whole number >= 0, got ${options.topN}`);
  }
  if (options.stopStrings?.some((s) => s.length === 0)) throw new Error('a stop string is empty; it would stop before the first token');
  if (options.stopStrings?.length && !options.decode) throw new Error('stop strings need a decode function to turn tokens into text');
  validateSamplerSettings(options.sampler);
}
