// Every figure the calculator shows for one architecture, in one object: what the CLI prints
// (`npm run cli -- sizes`), the Model Size Calculator panel and the attention panel's Model tab show.
import type { Architecture } from './architecture';
import { CHINCHILLA_TOKENS_PER_PARAMETER, chinchillaOptimal, type ComputeOptimal } from './chinchilla';
import { forwardFlopsPerToken, trainingCompute, trainingFlopsPerToken, type ForwardFlops } from './flops';
import { kvCacheBytesPerToken, servingMemory, TRAINING_DTYPES, trainingMemory, type Dtype, type ServingMemory, type TrainingMemory } from './memory';
import { countParameters, type ParameterBreakdown } from './parameters';

export interface SizeQuestion {
  /** Tokens of one sequence: the context for inference FLOPs and KV cache, the length for training. Default: the model's context length. */
  readonly context?: number;
  /** Training tokens, for the compute C. Default: Chinchilla's 20 per parameter. */
  readonly trainingTokens?: number;
  readonly batch?: number;
  /** The weights' dtype when serving. */
  readonly servingDtype?: Dtype;
  /** A compute budget in FLOPs to split the Chinchilla way. Default: C of this run. */
  readonly computeBudget?: number;
}

export interface ModelSizes {
  readonly architecture: Architecture;
  readonly context: number;
  readonly batch: number;
  readonly parameters: ParameterBreakdown;
  readonly forward: ForwardFlops;
  readonly trainingFlopsPerToken: number;
  readonly trainingTokens: number;
  readonly trainingCompute: number;
  readonly trainingMemory: Readonly<Record<(typeof TRAINING_DTYPES)[number], TrainingMemory>>;
  readonly kvCacheBytesPerToken: number;
  readonly servingDtype: Dtype;
  readonly serving: ServingMemory;
  readonly computeBudget: number;
  readonly chinchilla: ComputeOptimal;
}

export function modelSizes(a: Architecture, question: SizeQuestion = {}): ModelSizes {
  const context = question.context ?? a.contextLength;
  const batch = question.batch ?? 1;
  const servingDtype = question.servingDtype ?? 'fp16';
  const parameters = countParameters(a);
  for (const [name, value] of Object.entries({ context, batch, trainingTokens: question.trainingTokens ?? 1, computeBudget: question.computeBudget ?? 1 })) {
    if (!(value > 0) || !Number.isFinite(value)) throw new Error(`${name} must be a positive number, not ${value}`);
  }
  const trainingTokens = question.trainingTokens ?? CHINCHILLA_TOKENS_PER_PARAMETER * parameters.total;
  const compute = trainingCompute(a, trainingTokens, context);
  const memory = Object.fromEntries(TRAINING_DTYPES.map((dtype) => [dtype, trainingMemory(a, dtype, batch, context)])) as ModelSizes['trainingMemory'];
  const computeBudget = question.computeBudget ?? compute;
  return {
    architecture: a,
    context,
    batch,
    parameters,
    forward: forwardFlopsPerToken(a, context),
    trainingFlopsPerToken: trainingFlopsPerToken(a, context),
    trainingTokens,
    trainingCompute: compute,
    trainingMemory: memory,
    kvCacheBytesPerToken: kvCacheBytesPerToken(a),
    servingDtype,
    serving: servingMemory(a, servingDtype, batch, context),
    computeBudget,
    chinchilla: chinchillaOptimal(computeBudget),
  };
}
