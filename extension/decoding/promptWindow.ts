// Fitting a prompt into the model's context window. The model cannot see more than contextLength
// tokens, and each generated token takes one more place, so a long prompt keeps only its most
// recent tokens (the ones nearest to what comes next) and leaves room to generate.

export interface PromptWindow {
  /** The tokens the model will see. */
  readonly tokens: readonly number[];
  /** How many tokens were cut from the start of the prompt (0 when it fit). */
  readonly dropped: number;
}

/** Places left for generation after a cut prompt: a quarter of the window, at most 64 tokens. */
export function roomToGenerate(contextLength: number): number {
  return Math.max(1, Math.min(64, Math.floor(contextLength / 4)));
}

/** The prompt unchanged when it leaves at least one place to generate, else its last tokens. */
export function fitPrompt(tokens: readonly number[], contextLength: number): PromptWindow {
  if (tokens.length < contextLength) return { tokens, dropped: 0 };
  const keep = contextLength - roomToGenerate(contextLength);
  return { tokens: tokens.slice(tokens.length - keep), dropped: tokens.length - keep };
}
