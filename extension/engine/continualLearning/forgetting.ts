// Catastrophic forgetting, measured (McCloskey & Cohen 1989; French 1999): a model fine-tuned on a
// new domain loses what it knew of the old one. The remedy tried here is replay (rehearsal,
// Robins 1995): a fraction ρ of every batch is drawn from old-domain text, so the gradient keeps
// pulling towards the old distribution while the new one is learned.
//
//   for each replay ratio ρ:
//     start again from the same base weights
//     each step: batch = (1 − ρ)·B windows of new text + ρ·B windows of old text
//     every evalEvery steps: validation loss on held-out old text and on held-out new text
//
// The curves of old-domain loss against steps, one per ρ, are the forgetting curves.

import * as path from 'node:path';
import { readModelFolder } from '../modelFolder/readModelFolder';
import { BatchSampler, validationBatches, type Batch } from '../train/dataset';
import { defaultTrainOptions, type TrainOptions } from '../train/options';
import { createStepRunner, prepareRun } from '../train/runSetup';
import { learningRateAt } from '../train/schedule';
import { loadTokenStreamCached } from '../train/tokenCache';

export interface ForgettingOptions {
  /** The model folder fine-tuned (the active model). */
  readonly baseModel: string;
  /** New-domain text (its last 10% is held out for validation). */
  readonly newData: string;
  /** Old-domain text drawn for replay. */
  readonly replayData: string;
  /** Held-out old-domain text: the forgetting is measured on it. */
  readonly oldValidation: string;
  /** Fractions of each batch taken from replayData, e.g. [0, 0.25]. */
  readonly replayRatios: readonly number[];
  readonly steps: number;
  readonly batchSize: number;
  readonly contextLength: number;
  readonly learningRate: number;
  readonly evalEvery: number;
  /** Validation batches per measurement, for each domain. */
  readonly validationBatches: number;
  /** Token caches go here. */
  readonly workDir: string;
  readonly seed?: number;
  readonly threads?: number;
}

export interface ForgettingPoint {
  readonly step: number;
  readonly oldLoss: number;
  readonly newLoss: number;
}

export interface ForgettingCurve {
  readonly replayRatio: number;
  /** Sequences of each batch drawn from old text: round(ρ·B). */
  readonly replayRows: number;
  readonly points: readonly ForgettingPoint[];
}

export type ForgettingEvent =
  | { readonly type: 'forgetting-point'; readonly replayRatio: number; readonly point: ForgettingPoint }
  | { readonly type: 'forgetting-curve'; readonly curve: ForgettingCurve };

/** The rows of two batches stacked: a's sequences, then b's. */
function stackBatches(a: Batch, b: Batch): Batch {
  const join = (x: BigInt64Array, y: BigInt64Array) => {
    const out = new BigInt64Array(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  return { inputs: join(a.inputs, b.inputs), targets: join(a.targets, b.targets), batchSize: a.batchSize + b.batchSize, contextLength: a.contextLength };
}

export function checkForgettingOptions(o: ForgettingOptions): void {
  for (const ratio of o.replayRatios) {
    if (!(ratio >= 0 && ratio <= 1)) throw new Error(`a replay ratio is a fraction of the batch in [0, 1], got ${ratio}`);
  }
  if (o.replayRatios.length === 0) throw new Error('give at least one replay ratio (0 is fine-tuning without replay)');
  if (!(Number.isInteger(o.evalEvery) && o.evalEvery >= 1)) throw new Error(`evaluate every N steps needs a whole N ≥ 1, got ${o.evalEvery}`);
}

async function fineTune(o: ForgettingOptions, ratio: number, signal: AbortSignal | undefined, emit: (e: ForgettingEvent) => void): Promise<ForgettingCurve> {
  const cacheDir = path.join(o.workDir, 'token-cache');
  const folder = readModelFolder(o.baseModel);
  if (!folder.gpt2) throw new Error(`${o.baseModel}: only GPT-2 model folders can be fine-tuned here`);
  const base = defaultTrainOptions({ dataPath: o.newData, tokenizerPath: o.baseModel, outDir: o.workDir, model: folder.gpt2.gpt });
  const options: TrainOptions = {
    ...base, baseModel: o.baseModel, tokenCacheDir: cacheDir, steps: o.steps, batchSize: o.batchSize, contextLength: o.contextLength,
    learningRate: o.learningRate, warmupSteps: Math.min(20, Math.ceil(o.steps / 10)), validationBatches: o.validationBatches, seed: o.seed ?? base.seed, threads: o.threads,
  };
  const run = await prepareRun(options);
  const { T, B, tokenizer } = run;
  const replayRows = Math.round(ratio * B);
  const newSampler = replayRows < B ? new BatchSampler(run.split.train, B - replayRows, T, options.seed) : undefined;
  const oldSampler = replayRows > 0 ? new BatchSampler(loadTokenStreamCached(o.replayData, tokenizer, cacheDir), replayRows, T, options.seed + 1) : undefined;
  const oldValidation = validationBatches(loadTokenStreamCached(o.oldValidation, tokenizer, cacheDir), B, T, o.validationBatches);
  if (oldValidation.length === 0) throw new Error(`${o.oldValidation}: too little text for one validation window of ${T + 1} tokens`);
  if (run.validation.length === 0) throw new Error(`${o.newData}: its held-out 10% is too short for one validation window of ${T + 1} tokens`);
  const schedule = { peak: o.learningRate, warmupSteps: options.warmupSteps, totalSteps: o.steps, floorRatio: options.minLearningRateRatio, decay: options.schedule };

  const runner = await createStepRunner(run, options);
  const points: ForgettingPoint[] = [];
  const measure = async (step: number) => {
    const point = { step, oldLoss: await runner.evaluate(oldValidation), newLoss: await runner.evaluate(run.validation) };
    points.push(point);
    emit({ type: 'forgetting-point', replayRatio: ratio, point });
  };
  try {
    await measure(0);
    for (let step = 0; step < o.steps && !signal?.aborted; step++) {
      const fresh = newSampler?.batchAt(step);
      const replayed = oldSampler?.batchAt(step);
      const batch = fresh && replayed ? stackBatches(fresh, replayed) : ((fresh ?? replayed) as Batch);
      const result = await runner.step(batch, step, learningRateAt(schedule, step), options.maxGradNorm);
      if (!Number.isFinite(result.loss)) throw new Error(`the loss became ${result.loss} at step ${step + 1}; try a lower learning rate`);
      if ((step + 1) % o.evalEvery === 0 || step + 1 === o.steps) await measure(step + 1);
      // Let a queued cancel arrive between steps.
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    await runner.release();
  }
  const curve = { replayRatio: ratio, replayRows, points };
  emit({ type: 'forgetting-curve', curve });
  return curve;
}

/** One fine-tuning per replay ratio, each from the same base weights; a cancel keeps the curves measured so far. */
export async function measureForgetting(o: ForgettingOptions, hooks: { signal?: AbortSignal; onEvent?: (e: ForgettingEvent) => void } = {}): Promise<ForgettingCurve[]> {
  checkForgettingOptions(o);
  const curves: ForgettingCurve[] = [];
  for (const ratio of o.replayRatios) {
    if (hooks.signal?.aborted) break;
    curves.push(await fineTune(o, ratio, hooks.signal, hooks.onEvent ?? (() => {})));
  }
  return curves;
}
