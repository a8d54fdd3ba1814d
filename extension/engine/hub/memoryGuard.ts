// Refuses a model that will not fit in the machine's memory before its weights are downloaded.
// Serving needs the weights plus a KV cache for a full context (the calculator's formulas,
// scaling/memory.ts): weights = parameters × bytes per value, KV cache = 2 · layers · kv heads ·
// head_dim · 2 bytes per token. For a model_type the calculator does not know, the weight files'
// size stands in for the weights and the KV cache is left out (said in the message).
import * as os from 'node:os';
import type { JsonObject } from '../modelFolder/jsonFile';
import { architectureFromConfig } from '../scaling/architecture';
import { BYTES_PER_VALUE, servingMemory } from '../scaling/memory';
import { HubError } from './hubError';
import { megabytes } from './downloadSnapshot';
import type { ModelFileChoice } from './modelFiles';

export interface MemoryEstimate {
  readonly weights: number;
  /** Undefined when the calculator does not know the architecture. */
  readonly kvCache?: number;
  readonly context?: number;
  readonly total: number;
}

export function estimateServingMemory(config: JsonObject, choice: ModelFileChoice): MemoryEstimate {
  try {
    const architecture = architectureFromConfig(config);
    const memory = servingMemory(architecture, choice.dtype, 1, architecture.contextLength);
    return { weights: memory.weights, kvCache: memory.kvCache, context: architecture.contextLength, total: memory.total };
  } catch {
    const weights = choice.files.filter((file) => file.path.startsWith(choice.weights)).reduce((sum, file) => sum + file.size, 0);
    return { weights, total: weights };
  }
}

/** Throws, with the figures, when `estimate` exceeds `memoryBytes` (default: the machine's total memory). */
export function checkMemory(repo: string, estimate: MemoryEstimate, dtype: ModelFileChoice['dtype'], memoryBytes = os.totalmem()): void {
  if (estimate.total <= memoryBytes) return;
  const kv = estimate.kvCache === undefined ? 'plus a KV cache the calculator cannot size for this model_type' : `+ KV cache ${megabytes(estimate.kvCache)} for ${estimate.context} tokens`;
  throw new HubError(
    repo,
    `will not fit in memory: weights ${megabytes(estimate.weights)} (${BYTES_PER_VALUE[dtype]} bytes per parameter, ${dtype}) ${kv} = ${megabytes(estimate.total)}, and this machine has ${megabytes(memoryBytes)}; choose a smaller model or a quantized variant`,
  );
}
