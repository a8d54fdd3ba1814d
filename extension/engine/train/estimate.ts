// What a run will be, shown before it starts: how much text and how many tokens, how big the
// model is, how many tokens it sees per parameter (Hoffmann et al. 2022, "Chinchilla": a
// compute-optimal run sees about 20), the memory it needs, and how long it will take, from one
// step measured on this machine rather than guessed.

import * as fs from 'node:fs';
import * as os from 'node:os';
import { peftAdapterBytes } from '../lora/peftAdapter';
import { checkpointAdapter } from './checkpoint';
import { listTextFiles } from './dataset';
import { MEMORY_SHARE, type MemoryEstimate } from './memoryEstimate';
import type { TrainOptions } from './options';
import { architectureOf, gptOnly, totalParameters, trainingFlops, type Architecture } from './trainableConfig';
import { createStepRunner, prepareRun } from './runSetup';

export { CHINCHILLA_TOKENS_PER_PARAMETER } from '../scaling/chinchilla';

export interface TrainingEstimate {
  /** The model the run trains: our GPT-2 or a Llama. */
  readonly architecture: Architecture;
  readonly files: number;
  readonly bytes: number;
  readonly vocabSize: number;
  readonly trainTokens: number;
  readonly validationTokens: number;
  readonly parameters: number;
  readonly trainableParameters: number;
  /** Under LoRA: the bytes of the checkpoints' adapter/ folder (PEFT's two files). */
  readonly adapterBytes?: number;
  readonly flopsPerToken: number;
  readonly totalSteps: number;
  readonly stepsPerEpoch: number;
  /** Tokens the run will process: steps × batch × context. */
  readonly tokensSeen: number;
  readonly epochs: number;
  /** tokensSeen ÷ trainable parameters, to set beside CHINCHILLA_TOKENS_PER_PARAMETER. */
  readonly tokensPerParameter: number;
  readonly memory: MemoryEstimate;
  /** The memory a run may use before it is refused. */
  readonly memoryLimitBytes: number;
  /** The second of two measured steps (the first pays for warm-up). */
  readonly secondsPerStep: number;
  readonly seconds: number;
}

export async function estimateTraining(options: TrainOptions): Promise<TrainingEstimate> {
  const files = listTextFiles(options.dataPath);
  const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
  const run = await prepareRun(options);
  const memoryLimitBytes = os.totalmem() * MEMORY_SHARE;
  let secondsPerStep = NaN;
  // A run that cannot fit is not measured: the estimate says so with the figures instead.
  if (run.memory.totalBytes <= memoryLimitBytes) {
    const runner = await createStepRunner(run, options);
    try {
      await runner.step(run.sampler.batchAt(0), 0, 0, 1);
      const began = performance.now();
      await runner.step(run.sampler.batchAt(1), 1, 0, 1);
      secondsPerStep = (performance.now() - began) / 1000;
    } finally {
      await runner.release();
    }
  }
  const firstStep = run.start.state?.step ?? 0;
  const tokensSeen = run.totalSteps * run.B * run.T;
  return {
    architecture: architectureOf(run.config),
    files: files.length,
    bytes,
    vocabSize: run.tokenizer.vocabSize,
    trainTokens: run.split.train.length,
    validationTokens: run.split.validation.length,
    parameters: totalParameters(run.config),
    trainableParameters: run.trainableCount,
    adapterBytes: run.lora && run.start.adapters ? peftAdapterBytes(checkpointAdapter(gptOnly(run.config, 'LoRA'), run.lora, run.start.adapters, options.baseModel ?? '')) : undefined,
    flopsPerToken: trainingFlops(run.config, (run.T + 1) / 2),
    totalSteps: run.totalSteps,
    stepsPerEpoch: run.sampler.stepsPerEpoch,
    tokensSeen,
    epochs: tokensSeen / run.split.train.length,
    tokensPerParameter: tokensSeen / run.trainableCount,
    memory: run.memory,
    memoryLimitBytes,
    secondsPerStep,
    seconds: secondsPerStep * (run.totalSteps - firstStep),
  };
}
