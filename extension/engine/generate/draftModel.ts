// The draft model speculative decoding needs when the user has none: a 1-layer GPT of the target's
// vocabulary, trained on a small text with the target's own tokenizer (a draft must propose tokens
// the target can check, so the two share one vocabulary). At 200 steps of 8 × 128 tokens it trains
// in a minute or two on a laptop's cores; it is weak, and the acceptance rate shows how weak.

import type { GPTConfig } from '../gpt/config';
import { defaultTrainOptions, type TrainOptions } from '../train/options';

/** One block, two heads of 32: about a quarter of the bundled model's width, a quarter of its depth. */
export const DRAFT_SHAPE = { n_layer: 1, n_head: 2, n_embd: 64 } as const;
export const DRAFT_STEPS = 200;

export function draftTrainOptions(target: GPTConfig, targetFolder: string, dataPath: string, outDir: string): TrainOptions {
  const model: GPTConfig = { ...target, ...DRAFT_SHAPE };
  return {
    ...defaultTrainOptions({ dataPath, tokenizerPath: targetFolder, outDir, model }),
    steps: DRAFT_STEPS,
    batchSize: 8,
    contextLength: Math.min(128, target.n_positions),
    warmupSteps: 20,
    evalEvery: DRAFT_STEPS,
    sampleEvery: 0,
    checkpointEvery: DRAFT_STEPS,
  };
}
