// Which models a scaling sweep trains, and on how many tokens, for a given compute budget.
//
// Every model has the same shape (n_layer layers, head size 16) and a width from a ladder, so N
// (non-embedding parameters, ≈ 12·n_layer·n_embd²) roughly doubles from one rung to the next.
// Each sees D = r·N training tokens, r tokens per parameter (Hoffmann et al. 2022 found r ≈ 20
// compute-optimal), at most one pass over the data, so no model is limited by repeated text.
// Its compute is Kaplan's C = 6·N·D (Kaplan et al. 2020, §2.1: forward 2N, backward 4N per token;
// embeddings, logits and attention over the context left out, as there). The sweep takes rungs
// from the smallest up while their summed C stays within the budget; the next rung is the size
// the fitted law predicts and "train it and check" trains.

import type { GPTConfig } from '../gpt/config';
import { parameterCount } from '../gpt/sizes';

/** Widths of the default ladder. */
export const DEFAULT_WIDTHS: readonly number[] = [8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256];

export interface SweepRecipe {
  /** Layers of every model in the sweep. */
  readonly nLayer: number;
  /** Tokens per sequence (also each model's n_positions). */
  readonly contextLength: number;
  readonly batchSize: number;
  readonly vocabSize: number;
  /** Training tokens per non-embedding parameter. */
  readonly tokensPerParameter: number;
  /** At most this many sizes are fitted (the budget may allow fewer). */
  readonly maxRuns: number;
  readonly widths: readonly number[];
}

export interface PlannedRun {
  /** Folder name under <out>/runs. */
  readonly name: string;
  readonly config: GPTConfig;
  readonly nonEmbeddingParameters: number;
  readonly parameters: number;
  readonly steps: number;
  /** steps · batch · context: the training tokens the run sees. */
  readonly tokens: number;
  /** 6 · N · tokens. */
  readonly flops: number;
}

export interface SweepPlan {
  readonly runs: readonly PlannedRun[];
  /** The next rung: what the fit predicts and "train it and check" trains (absent past the ladder's end). */
  readonly check?: PlannedRun;
  readonly totalFlops: number;
}

export const kaplanFlops = (nonEmbedding: number, tokens: number): number => 6 * nonEmbedding * tokens;

export function plannedRun(width: number, recipe: SweepRecipe): PlannedRun {
  const config: GPTConfig = {
    n_layer: recipe.nLayer, n_head: Math.max(1, Math.floor(width / 16)), n_embd: width,
    n_positions: recipe.contextLength, vocab_size: recipe.vocabSize, layer_norm_epsilon: 1e-5,
  };
  const count = parameterCount(config);
  const tokensPerStep = recipe.batchSize * recipe.contextLength;
  const steps = Math.max(1, Math.ceil((recipe.tokensPerParameter * count.nonEmbedding) / tokensPerStep));
  const tokens = steps * tokensPerStep;
  return {
    name: `L${recipe.nLayer}-C${width}`, config, nonEmbeddingParameters: count.nonEmbedding, parameters: count.total,
    steps, tokens, flops: kaplanFlops(count.nonEmbedding, tokens),
  };
}

const formatFlops = (flops: number) => `${flops.toExponential(2)} FLOPs`;

/**
 * The runs a budget buys. Throws, naming the figures, when the budget cannot pay for the smallest
 * model or for three sizes (a fit has three parameters), or when `trainTokens` (the training part
 * of `dataName`) cannot feed the largest run once.
 */
export function planSweep(budgetFlops: number, trainTokens: number, dataName: string, recipe: SweepRecipe): SweepPlan {
  if (!(budgetFlops > 0)) throw new Error(`the compute budget must be a number of FLOPs > 0, got ${budgetFlops}`);
  const widths = [...recipe.widths].sort((a, b) => a - b);
  const ladder = widths.map((w) => plannedRun(w, recipe));
  const runs: PlannedRun[] = [];
  let total = 0;
  for (const run of ladder) {
    if (runs.length === recipe.maxRuns || total + run.flops > budgetFlops) break;
    runs.push(run);
    total += run.flops;
  }
  const smallest = ladder[0];
  if (runs.length === 0) {
    throw new Error(
      `a budget of ${formatFlops(budgetFlops)} is too small for the smallest model: N = ${smallest.nonEmbeddingParameters} ` +
        `on ${smallest.tokens} tokens needs 6·N·D = ${formatFlops(smallest.flops)}`,
    );
  }
  if (runs.length < 3) {
    const need = ladder.slice(0, 3).reduce((s, r) => s + r.flops, 0);
    throw new Error(`a budget of ${formatFlops(budgetFlops)} pays for ${runs.length} model size(s), and a fit needs 3: the three smallest need ${formatFlops(need)}`);
  }
  const largest = runs[runs.length - 1];
  if (largest.tokens > trainTokens) {
    throw new Error(
      `${dataName}: ${trainTokens} training tokens, but the largest model of this budget (N = ${largest.nonEmbeddingParameters}) ` +
        `needs ${largest.tokens} (${recipe.tokensPerParameter} per parameter) in one pass; use more text, a smaller budget or fewer tokens per parameter`,
    );
  }
  return { runs, check: ladder[runs.length], totalFlops: total };
}
