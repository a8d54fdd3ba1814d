// How much memory a training run needs, to refuse one that cannot fit before it starts.
//   parameters: θ, its gradient, AdamW's m and v, and the step's outputs θ', m', v' → 7 × 4 bytes each
//                (SGD keeps one buffer instead of two: 5 × 4 bytes)
//   activations kept for the backward pass, per block (Korthikanti et al. 2022, "Reducing
//   Activation Recomputation", eq. 1, for 16-bit values: s·b·h·(34 + 5·a·s/h) bytes) → doubled for float32
//   logits: the [B·T, V] logits, their log-probabilities and their gradient → 3 × 4 bytes each
// It is an estimate: ONNX Runtime reuses some buffers and adds workspace of its own.

import { activationBytesPerBlock } from '../scaling/memory';
import { blockShape, totalParameters, type TrainableConfig } from './trainableConfig';
import { checkTrainOptions, type TrainOptions } from './options';

export interface MemoryEstimate {
  readonly parameterBytes: number;
  readonly activationBytes: number;
  readonly totalBytes: number;
}

export function trainingMemory(config: TrainableConfig, batchSize: number, contextLength: number, optimizer: 'adamw' | 'sgd', trainableParameters?: number): MemoryEstimate {
  const total = totalParameters(config);
  const block = blockShape(config);
  const trainable = trainableParameters ?? total;
  const perTrainable = optimizer === 'adamw' ? 6 : 4;
  const parameterBytes = 4 * (total + perTrainable * trainable);
  const perBlock = activationBytesPerBlock(contextLength, batchSize, block.width, block.heads, 4);
  const logits = 3 * 4 * batchSize * contextLength * config.vocab_size;
  const activationBytes = block.layers * perBlock + logits;
  return { parameterBytes, activationBytes, totalBytes: parameterBytes + activationBytes };
}

/** Runs needing more than this share of the machine's memory are refused. */
export const MEMORY_SHARE = 0.6;

/** Throws with the figures when the estimate exceeds MEMORY_SHARE of `availableBytes`. */
export function checkFitsInMemory(estimate: MemoryEstimate, availableBytes: number): void {
  const limit = availableBytes * MEMORY_SHARE;
  if (estimate.totalBytes > limit) {
    const gb = (n: number) => (n / 2 ** 30).toFixed(1);
    throw new Error(`this run needs about ${gb(estimate.totalBytes)} GiB (${gb(estimate.parameterBytes)} for weights and optimizer state, ${gb(estimate.activationBytes)} for activations), more than ${Math.round(MEMORY_SHARE * 100)}% of the machine's ${gb(availableBytes)} GiB; choose a smaller model, batch or context`);
  }
}

/**
 * What can be refused before a run starts, without reading its data: options that cannot work,
 * and a new model too large for `availableBytes` (a base model's size is known once it is read).
 */
export function checkBeforeStart(options: TrainOptions, availableBytes: number): void {
  checkTrainOptions(options);
  if (!options.baseModel) checkFitsInMemory(trainingMemory(options.model, options.batchSize, options.contextLength, options.optimizer.kind), availableBytes);
}
