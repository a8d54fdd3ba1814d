// Batches of rendered conversations for the training graph. One conversation per row, padded:
//   inputs[b, t]  = ids[t]                                (padding after the end)
//   targets[b, t] = ids[t + 1] when token t + 1 is in the loss, else IGNORE_INDEX
// SoftmaxCrossEntropyLoss skips IGNORE_INDEX targets, so the step's loss is the mean over the
// answer tokens of the batch only: L = Σ_{t ∈ mask} −log p(ids[t+1] | ids[≤t]) / |mask|.

import { mixSeed, Mulberry32, shuffledIndices } from '../../generate/random';
import type { Batch } from '../dataset';
import { IGNORE_INDEX } from '../trainingGraph';
import type { ChatExample } from './chatExamples';

export function exampleBatch(examples: readonly ChatExample[], contextLength: number, padId: number): Batch {
  const T = contextLength;
  const inputs = new BigInt64Array(examples.length * T).fill(BigInt(padId));
  const targets = new BigInt64Array(examples.length * T).fill(BigInt(IGNORE_INDEX));
  examples.forEach((example, b) => {
    const n = Math.min(example.ids.length, T + 1);
    for (let t = 0; t < n - 1; t++) {
      inputs[b * T + t] = BigInt(example.ids[t]);
      if (example.inLoss[t + 1]) targets[b * T + t] = BigInt(example.ids[t + 1]);
    }
    if (n === 1) inputs[b * T] = BigInt(example.ids[0]);
  });
  return { inputs, targets, batchSize: examples.length, contextLength: T };
}

/** Deterministic shuffled batches of conversations, addressed by step number (as BatchSampler is for text). */
export class ExampleSampler {
  private cached: { epoch: number; order: Uint32Array } = { epoch: -1, order: new Uint32Array(0) };

  constructor(
    private readonly examples: readonly ChatExample[],
    readonly batchSize: number,
    readonly contextLength: number,
    private readonly seed: number,
    private readonly padId: number,
  ) {}

  get stepsPerEpoch(): number {
    return Math.ceil(this.examples.length / this.batchSize);
  }

  batchAt(step: number): Batch {
    const n = this.examples.length;
    const chosen: ChatExample[] = [];
    for (let i = 0; i < this.batchSize; i++) {
      const sequence = step * this.batchSize + i;
      const epoch = Math.floor(sequence / n);
      if (epoch !== this.cached.epoch) this.cached = { epoch, order: shuffledIndices(n, new Mulberry32(mixSeed(this.seed, epoch))) };
      chosen.push(this.examples[this.cached.order[sequence % n]]);
    }
    return exampleBatch(chosen, this.contextLength, this.padId);
  }
}

/** Held-out conversations in order, at most `maxBatches` batches. */
export function exampleValidationBatches(examples: readonly ChatExample[], batchSize: number, contextLength: number, padId: number, maxBatches: number): Batch[] {
  const batches: Batch[] = [];
  for (let first = 0; first < examples.length && batches.length < maxBatches; first += batchSize) {
    batches.push(exampleBatch(examples.slice(first, first + batchSize), contextLength, padId));
  }
  return batches;
}
