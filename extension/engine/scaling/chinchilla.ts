// The compute-optimal split of a budget (Hoffmann et al. 2022, "Training Compute-Optimal Large
// Language Models"): parameters and tokens should grow together, about 20 tokens per parameter
// (their Table 3). With C ≈ 6·N·D and D = 20·N:
//   N_opt = √(C / (6·20)),   D_opt = 20 · N_opt.

/** Training tokens per parameter of a compute-optimal run (Hoffmann et al. 2022, Table 3). */
export const CHINCHILLA_TOKENS_PER_PARAMETER = 20;

export interface ComputeOptimal {
  readonly parameters: number;
  readonly tokens: number;
}

export function chinchillaOptimal(computeFlops: number): ComputeOptimal {
  if (!(computeFlops > 0)) throw new Error(`the compute budget must be a positive number of FLOPs, not ${computeFlops}`);
  const parameters = Math.sqrt(computeFlops / (6 * CHINCHILLA_TOKENS_PER_PARAMETER));
  return { parameters, tokens: CHINCHILLA_TOKENS_PER_PARAMETER * parameters };
}
