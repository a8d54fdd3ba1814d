// The step-by-step session of the Decoding Playground. Decode states are immutable, so every
// state reached is kept: "Back" returns to the previous one (its KV cache included) without
// recomputing anything, and changing the sampler only replaces the settings of the current state.
import { nextTokenDistribution, startDecoding, stepOnce, type DecodeState, type FinishReason, type GenerationStep } from '../engine/generate/decodeSession';
import { Mulberry32 } from '../engine/generate/random';
import type { SamplerSettings } from '../engine/generate/samplingPipeline';
import type { LanguageModel } from '../engine/model/languageModel';
import type { CachePoint, CandidateView, FilterName, GeneratedToken, SamplerControls } from '../../webviews/decoding/protocol';
import { CANDIDATE_COUNT } from '../../webviews/decoding/protocol';

/** What the session needs from a tokenizer to write tokens down. */
export interface TokenWriter {
  /** A token as a bar label (whitespace and partial characters made visible). */
  label(token: number): string;
  /** The text of a run of tokens. */
  decode(tokens: readonly number[]): string;
}

/** The panel's controls as the engine's sampler settings (the seed goes to the decoder). */
export function samplerSettings(controls: SamplerControls): SamplerSettings {
  return { temperature: controls.temperature, topK: controls.topK, topP: controls.topP, minP: controls.minP };
}

interface Entry {
  readonly state: DecodeState;
  /** The step that led to this state; none for the state after the prefill. */
  readonly step?: GenerationStep;
}

export class StepHistory {
  private entries: Entry[];

  private constructor(
    first: DecodeState,
    private readonly writer: TokenWriter,
    /** The controls the current state samples with (the panel's may be newer, waiting for their turn). */
    private controlsInUse: SamplerControls,
  ) {
    this.entries = [{ state: first }];
  }

  /** Prefills the prompt. Generation may run until the context is full or an end token is chosen. */
  static async start(
    model: LanguageModel,
    prompt: readonly number[],
    controls: SamplerControls,
    writer: TokenWriter,
    stopTokenIds: readonly number[] = [],
  ): Promise<StepHistory> {
    const state = await startDecoding(model, prompt, {
      sampler: samplerSettings(controls),
      seed: controls.seed,
      maxNewTokens: model.contextLength,
      stopTokenIds,
      decode: (ids) => writer.decode(ids),
    });
    return new StepHistory(state, writer, controls);
  }

  get current(): DecodeState {
    return this.entries[this.entries.length - 1].state;
  }

  get finishReason(): FinishReason | null {
    return this.current.finishReason;
  }

  /** Tokens chosen so far, in order. */
  get chosen(): readonly number[] {
    return this.current.generated;
  }

  get canGoBack(): boolean {
    return this.entries.length > 1;
  }

  get controls(): SamplerControls {
    return this.controlsInUse;
  }

  /**
   * New sampler settings for the next step. The random sequence restarts from the new seed only
   * when the seed changes, so moving a slider does not change which random number comes next.
   */
  setControls(controls: SamplerControls): void {
    this.controlsInUse = controls;
    const state = this.current;
    const seedChanged = controls.seed !== (state.options.seed ?? 0);
    const next: DecodeState = {
      ...state,
      options: { ...state.options, sampler: samplerSettings(controls), seed: controls.seed },
      randomState: seedChanged ? new Mulberry32(controls.seed).state : state.randomState,
    };
    this.entries[this.entries.length - 1] = { ...this.entries[this.entries.length - 1], state: next };
  }

  /** Draws the next token ('sample') or takes the given one; returns the step taken. `signal` cancels the model's run (the history is unchanged). */
  async step(choice: 'sample' | { readonly token: number }, signal?: AbortSignal): Promise<GenerationStep> {
    const { state, step } = await stepOnce(this.current, choice, signal);
    this.entries.push({ state, step });
    return step;
  }

  /**
   * Takes `token` again after a reload, keeping whether the user had picked it. The random state
   * is not saved with the panel, so sampling after a replay continues from the seed's start.
   */
  async replay(token: number, forced: boolean): Promise<void> {
    const { state, step } = await stepOnce(this.current, { token });
    this.entries.push({ state, step: { ...step, forced } });
  }

  /** Returns to the state before the last token; false when there is none. */
  back(): boolean {
    if (!this.canGoBack) return false;
    // The restored state keeps the sampler settings now in use, not the ones it was taken with.
    const { options } = this.current;
    this.entries.pop();
    const last = this.entries[this.entries.length - 1];
    this.entries[this.entries.length - 1] = { ...last, state: { ...last.state, options } };
    return true;
  }

  /**
   * The top candidates for the next token and what each filter did to them: the one trace the
   * panel draws, built once per view (steps are taken without one).
   */
  candidates(): { candidates: CandidateView[]; filters: { name: FilterName; kept: number }[] } {
    const { trace } = nextTokenDistribution(this.current, CANDIDATE_COUNT);
    return {
      candidates: trace.candidates.map((c) => ({
        token: c.token,
        label: this.writer.label(c.token),
        model: c.originalProbability,
        tempered: c.temperedProbability,
        final: c.finalProbability,
        cutBy: c.cutBy,
      })),
      filters: trace.filters.map((f) => ({ name: f.name, kept: f.kept })),
    };
  }

  /** The generated tokens, each with its own text and probability. */
  generated(): GeneratedToken[] {
    return this.entries.flatMap(({ step }) =>
      step ? [{ token: step.token, text: this.writer.decode([step.token]), probability: step.probability, forced: step.forced }] : [],
    );
  }

  /** The cache after the prefill and after every step, with the time each took. */
  cachePoints(): CachePoint[] {
    const first = this.entries[0].state;
    const points: CachePoint[] = [{ index: -1, tokens: first.cache.length, bytes: first.cache.bytes, ms: first.prefillMs }];
    for (const { step } of this.entries) {
      if (step) points.push({ index: step.index, tokens: step.cacheLength, bytes: step.cacheBytes, ms: step.tokenMs });
    }
    return points;
  }
}
