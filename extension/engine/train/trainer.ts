// The training loop: data → batches → one graph run per step → progress, validation, samples and
// checkpoints. Plain Node: the worker thread, the CLI and tests all call train().
//
//   for step in [start, steps):
//     batch = sampler.batchAt(step)           deterministic in (seed, step), so a resume continues exactly
//     lr    = schedule(step)                  warmup, then cosine decay
//     loss, ‖g‖ = runner.step(batch, lr)      forward + backward + clip + AdamW inside ONNX Runtime
//     every evalEvery steps: validation loss, and the best checkpoint when it improved
//     every sampleEvery steps: a text sample;  every checkpointEvery steps: <out>/last

import * as os from 'node:os';
import { Mulberry32 } from '../generate/random';
import type { TensorMap } from '../gpt/tensor';
import { architectureOf, gptOnly, totalParameters, trainingFlops } from './trainableConfig';
import { saveCheckpoint, type Checkpoint, type HistoryPoint } from './checkpoint';
import { groupByLayer, layerNorms } from './layerGradients';
import { mergeAdapters } from './lora';
import { backendReport } from '../runtime/ort';
import { measureMatMulFlops } from './matmulPeak';
import { checkFitsInMemory } from './memoryEstimate';
import type { TrainOptions } from './options';
import type { DoneEvent, TrainEvent } from './protocol';
import { bestFolder, createStepRunner, lastFolder, prepareRun, refuseToOverwrite } from './runSetup';
import { sampleTokens } from './sampleText';
import { learningRateAt } from './schedule';

export interface TrainHooks {
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: TrainEvent) => void;
}

/** Progress is reported at most this often (and on every validation step and the last step). */
const PROGRESS_INTERVAL_MS = 200;

export async function train(options: TrainOptions, hooks: TrainHooks = {}): Promise<DoneEvent> {
  refuseToOverwrite(options);
  const emit = (event: TrainEvent) => hooks.onEvent?.(event);
  const run = await prepareRun(options);
  const { tokenizer, start, config, lora, T, B, split, sampler, validation, totalSteps, trainableCount } = run;
  checkFitsInMemory(run.memory, os.totalmem());
  const runner = await createStepRunner(run, options);
  const dims = new Map(runner.parameterShapes().map((p) => [p.name, p.dims]));
  const dimsOf = (name: string) => dims.get(name.replace(/\.(adam_m|adam_v|momentum)$/, '')) ?? [];

  const schedule = { peak: options.learningRate, warmupSteps: options.warmupSteps, totalSteps, floorRatio: options.minLearningRateRatio, decay: options.schedule };
  const sampleRandom = new Mulberry32(start.state?.sampleRandomState ?? options.seed);
  const history: HistoryPoint[] = [...(start.state?.history ?? [])];
  let bestValidationLoss = start.state?.bestValidationLoss;
  let step = start.state?.step ?? 0;
  let lastLoss = history.at(-1)?.loss ?? NaN;

  const grouping = groupByLayer(runner.graph.trainable);
  const flopsPerToken = trainingFlops(config, (T + 1) / 2);
  const peakFlops = await measureMatMulFlops(options.threads);
  emit({
    type: 'started', architecture: architectureOf(config), step, totalSteps, parameters: totalParameters(config), trainableParameters: trainableCount,
    flopsPerToken, peakFlops, trainTokens: split.train.length, validationTokens: split.validation.length,
    stepsPerEpoch: sampler.stepsPerEpoch, layers: grouping.layers, history, backend: backendReport(),
  });

  const currentWeights = (): TensorMap => {
    const full: TensorMap = new Map([...start.weights].map(([name, t]) => [name, { dims: t.dims, data: runner.parameters.get(name) ?? t.data }]));
    if (!lora) return full;
    const adapters = new Map([...runner.graph.trainable].map((n) => [n, runner.parameters.get(n) as Float32Array]));
    return mergeAdapters(gptOnly(config, 'LoRA'), lora, full, adapters);
  };
  const checkpoint = (): Checkpoint => ({
    config,
    weights: currentWeights(),
    tokenizerJson: tokenizer.tokenizerJson,
    chatTemplate: typeof tokenizer.config.chat_template === 'string' ? tokenizer.config.chat_template : undefined,
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
        const tokensPerSecond = (window.tokens / window.ms) * 1000;
        emit({
          type: 'progress', step, totalSteps, epoch: step / sampler.stepsPerEpoch,
          loss: result.loss, validationLoss, learningRate, gradNorm: result.gradNorm, layerGradNorms: layerNorms(grouping, result.gradSquares),
          tokensPerSecond, mfu: (tokensPerSecond * flopsPerToken) / peakFlops, etaSeconds: ((totalSteps - step) * msPerStep) / 1000,
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
