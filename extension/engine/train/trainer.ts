// The training loop: data → batches → one graph run per step → progress, validation, samples and
// checkpoints. Plain Node: the worker thread, the CLI and tests all call train().
//
//   for step in [start, steps):
//     batch = sampler.batchAt(step)           deterministic in (seed, step), so a resume continues exactly
//     lr    = schedule(step)                  warmup, then cosine decay
//     loss, ‖g‖ = runner.step(batch, lr)      forward + backward + clip + AdamW inside ONNX Runtime
//     every evalEvery steps: validation loss, and the best checkpoint when it improved
//     every sampleEvery steps: a text sample;  every checkpointEvery steps: <out>/last

import * as path from 'node:path';
import type { GPTConfig } from '../gpt/config';
import { randomWeights } from '../gpt/randomWeights';
import type { TensorMap } from '../gpt/tensor';
import { readGPT2Weights } from '../modelFolder/gpt2Weights';
import { readModelFolder } from '../modelFolder/readModelFolder';
import { loadTokenizerFile } from '../tokenizer/loadTokenizerFile';
import { resolveFolder } from './atomicFolder';
import { loadCheckpoint, saveCheckpoint, type Checkpoint, type HistoryPoint, type TrainingState } from './checkpoint';
import { BatchSampler, splitTrainValidation, validationBatches } from './dataset';
import { initAdapters, loraOverlay, mergeAdapters } from './lora';
import { checkTrainOptions, type TrainOptions } from './options';
import type { DoneEvent, TrainEvent } from './protocol';
import { Mulberry32 } from '../generate/random';
import { sampleTokens } from './sampleText';
import { learningRateAt } from './schedule';
import { StepRunner } from './stepRunner';
import { loadTokenStreamCached } from './tokenCache';

export interface TrainHooks {
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: TrainEvent) => void;
}

/** Progress is reported at most this often (and on every validation step and the last step). */
const PROGRESS_INTERVAL_MS = 200;

export const lastFolder = (outDir: string): string => path.join(outDir, 'last');
export const bestFolder = (outDir: string): string => path.join(outDir, 'best');

const toMap = (weights: TensorMap): Map<string, Float32Array> => new Map([...weights].map(([n, t]) => [n, t.data]));

interface Start {
  readonly config: GPTConfig;
  /** Full GPT weights: trained ones, or the frozen base under LoRA. */
  readonly weights: TensorMap;
  readonly adapters?: Map<string, Float32Array>;
  readonly optimizerState?: ReadonlyMap<string, Float32Array>;
  readonly state?: TrainingState;
}

/** A fresh run never replaces the checkpoints of an earlier one: the user resumes it or picks another folder. */
function refuseToOverwrite(options: TrainOptions): void {
  if (options.resume) return;
  for (const folder of [lastFolder(options.outDir), bestFolder(options.outDir)]) {
    if (resolveFolder(folder)) {
      throw new Error(`${folder}: holds a checkpoint of an earlier run, which a new run would replace. Resume that run (--resume), or choose an empty output folder.`);
    }
  }
}

/** Where the run starts: a checkpoint (resume), a base model (fine-tune, LoRA) or random weights. */
function startingPoint(options: TrainOptions): Start {
  if (options.resume && resolveFolder(lastFolder(options.outDir))) {
    const ckpt = loadCheckpoint(lastFolder(options.outDir));
    if (ckpt.state.lora) {
      const base = startingPoint({ ...options, resume: false, baseModel: ckpt.state.baseModel ?? options.baseModel, lora: ckpt.state.lora });
      return { config: ckpt.config, weights: base.weights, adapters: new Map(ckpt.adapters), optimizerState: ckpt.optimizerState, state: ckpt.state };
    }
    return { config: ckpt.config, weights: ckpt.weights, optimizerState: ckpt.optimizerState, state: ckpt.state };
  }
  if (options.baseModel) {
    const folder = readModelFolder(options.baseModel);
    if (!folder.gpt2 || !folder.safetensorsFile) throw new Error(`${options.baseModel}: only GPT-2 folders with model.safetensors can be trained further`);
    const weights = readGPT2Weights(folder.safetensorsFile, folder.gpt2.gpt);
    const adapters = options.lora ? initAdapters(folder.gpt2.gpt, options.lora, options.seed) : undefined;
    return { config: folder.gpt2.gpt, weights, adapters };
  }
  return { config: options.model, weights: randomWeights(options.model, options.seed) };
}

export async function train(options: TrainOptions, hooks: TrainHooks = {}): Promise<DoneEvent> {
  checkTrainOptions(options);
  refuseToOverwrite(options);
  const emit = (event: TrainEvent) => hooks.onEvent?.(event);
  const tokenizer = await loadTokenizerFile(options.tokenizerPath);
  const start = startingPoint(options);
  const { config } = start;
  if (tokenizer.vocabSize > config.vocab_size) {
    throw new Error(`${options.tokenizerPath}: the tokenizer has ${tokenizer.vocabSize} tokens but the model only ${config.vocab_size} (vocab_size)`);
  }
  const lora = start.state?.lora ?? options.lora;
  const T = Math.min(options.contextLength, config.n_positions);
  const B = options.batchSize;

  const cacheDir = path.join(options.outDir, 'token-cache');
  const stream = loadTokenStreamCached(options.dataPath, tokenizer, cacheDir);
  const split = options.validationPath
    ? { train: stream, validation: loadTokenStreamCached(options.validationPath, tokenizer, cacheDir) }
    : splitTrainValidation(stream, options.validationFraction, T);
  const sampler = new BatchSampler(split.train, B, T, options.seed);
  const validation = split.validation.length > T ? validationBatches(split.validation, B, T, options.validationBatches) : [];
  const totalSteps = options.epochs === undefined ? options.steps : Math.max(1, Math.ceil(options.epochs * sampler.stepsPerEpoch));

  const initial = toMap(start.weights);
  for (const [name, data] of start.adapters ?? []) initial.set(name, data);
  const runner = await StepRunner.create({
    config, batchSize: B, contextLength: T, optimizer: options.optimizer, threads: options.threads, decayEmbeddings: options.decayEmbeddings,
    ...(lora ? { overlay: loraOverlay(config, lora), trainable: [...(start.adapters?.keys() ?? [])] } : {}),
  }, initial, start.optimizerState);
  const dims = new Map(runner.parameterShapes().map((p) => [p.name, p.dims]));
  const dimsOf = (name: string) => dims.get(name.replace(/\.(adam_m|adam_v|momentum)$/, '')) ?? [];

  const schedule = { peak: options.learningRate, warmupSteps: options.warmupSteps, totalSteps, floorRatio: options.minLearningRateRatio, decay: options.schedule };
  const sampleRandom = new Mulberry32(start.state?.sampleRandomState ?? options.seed);
  const history: HistoryPoint[] = [...(start.state?.history ?? [])];
  let bestValidationLoss = start.state?.bestValidationLoss;
  let step = start.state?.step ?? 0;
  let lastLoss = history.at(-1)?.loss ?? NaN;

  const currentWeights = (): TensorMap => {
    const full: TensorMap = new Map([...start.weights].map(([name, t]) => [name, { dims: t.dims, data: runner.parameters.get(name) ?? t.data }]));
    if (!lora) return full;
    const adapters = new Map([...runner.graph.trainable].map((n) => [n, runner.parameters.get(n) as Float32Array]));
    return mergeAdapters(config, lora, full, adapters);
  };
  const checkpoint = (): Checkpoint => ({
    config,
    weights: currentWeights(),
    tokenizerJson: tokenizer.tokenizerJson,
    optimizerState: runner.state,
    adapters: lora ? new Map(runner.graph.trainable.map((n) => [n, runner.parameters.get(n) as Float32Array])) : undefined,
    state: {
      step, totalSteps, seed: options.seed, batchSize: B, contextLength: T, optimizer: options.optimizer,
      lora, baseModel: start.state?.baseModel ?? options.baseModel, bestValidationLoss,
      sampleRandomState: sampleRandom.state, history,
    },
  });
  const saveTo = async (folder: string, best: boolean, validationLoss?: number) => {
    await saveCheckpoint(folder, checkpoint(), dimsOf);
    emit({ type: 'checkpoint', step, folder, best, validationLoss });
  };

  const endOfText = tokenizer.specialTokens.get('<|endoftext|>');
  const sample = async () => {
    const prompt = options.samplePrompt ? tokenizer.encodeIds(options.samplePrompt) : [endOfText ?? split.train[0]];
    const ids = await sampleTokens(config, currentWeights(), prompt.length ? prompt : [split.train[0]], { maxTokens: options.sampleTokens, temperature: options.sampleTemperature, stopToken: endOfText }, sampleRandom);
    emit({ type: 'sample', step, prompt: options.samplePrompt, text: tokenizer.decode(ids) });
  };

  let cancelled = false;
  let lastProgress = 0;
  const recent: { tokens: number; ms: number }[] = [];
  try {
    while (step < totalSteps) {
      // Let queued messages (a cancel) run before the next step.
      await new Promise((resolve) => setImmediate(resolve));
      if (hooks.signal?.aborted) {
        cancelled = true;
        break;
      }
      const learningRate = learningRateAt(schedule, step);
      const began = performance.now();
      const result = await runner.step(sampler.batchAt(step), step, learningRate, options.maxGradNorm);
      recent.push({ tokens: B * T, ms: performance.now() - began });
      if (recent.length > 20) recent.shift();
      if (!Number.isFinite(result.loss)) throw new Error(`the loss became ${result.loss} at step ${step + 1}; try a lower learning rate (now ${learningRate.toExponential(2)})`);
      step++;
      lastLoss = result.loss;

      const last = step === totalSteps;
      let validationLoss: number | undefined;
      if (validation.length > 0 && ((options.evalEvery > 0 && step % options.evalEvery === 0) || last)) {
        validationLoss = await runner.evaluate(validation);
      }
      history.push({ step, loss: result.loss, ...(validationLoss === undefined ? {} : { validationLoss }) });

      const now = performance.now();
      if (validationLoss !== undefined || last || now - lastProgress >= PROGRESS_INTERVAL_MS) {
        lastProgress = now;
        const window = recent.reduce((a, r) => ({ tokens: a.tokens + r.tokens, ms: a.ms + r.ms }), { tokens: 0, ms: 0 });
        const msPerStep = window.ms / recent.length;
        emit({
          type: 'progress', step, totalSteps, epoch: step / sampler.stepsPerEpoch,
          loss: result.loss, validationLoss, learningRate, gradNorm: result.gradNorm,
          tokensPerSecond: (window.tokens / window.ms) * 1000, etaSeconds: ((totalSteps - step) * msPerStep) / 1000,
        });
      }
      if (validationLoss !== undefined && (bestValidationLoss === undefined || validationLoss < bestValidationLoss)) {
        bestValidationLoss = validationLoss;
        await saveTo(bestFolder(options.outDir), true, validationLoss);
      }
      if (options.sampleEvery > 0 && step % options.sampleEvery === 0) await sample();
      if (last || (options.checkpointEvery > 0 && step % options.checkpointEvery === 0)) await saveTo(lastFolder(options.outDir), false, validationLoss);
    }
    if (cancelled) await saveTo(lastFolder(options.outDir), false);
  } finally {
    await runner.release();
  }
  const done: DoneEvent = {
    type: 'done', step, cancelled, finalLoss: lastLoss, bestValidationLoss,
    lastFolder: lastFolder(options.outDir), bestFolder: bestValidationLoss === undefined ? undefined : bestFolder(options.outDir),
  };
  emit(done);
  return done;
}
