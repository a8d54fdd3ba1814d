// The DPO training loop (Rafailov et al. 2023). Same options, worker, events and checkpoints as
// pretraining and SFT; what differs is the data (preference pairs), the step graph (the DPO loss)
// and the measurements (rewards, reward accuracy, KL to the reference):
//
//   π_ref  = the base model as it starts (full fine-tuning), or the base with zero LoRA adapters
//   once:  log π_ref(y_w|x), log π_ref(y_l|x) for every pair (frozen, so never recomputed)
//   for step in [0, steps):
//     P pairs → rows [chosen…, rejected…] → loss, ∇, AdamW (one graph run), with reference_logp fed in
//     every evalEvery steps: held-out loss, reward accuracy, rewards, margin, KL(πθ ‖ π_ref)
//     every checkpointEvery steps and at the end: <out>/last (a model folder)

import * as os from 'node:os';
// Required on first use, not when the extension host loads this module (engine/runtime/ort.ts).
import { loadOrt } from '../../runtime/ort';
import { mixSeed, Mulberry32, shuffledIndices } from '../../generate/random';
import { parameterCount, trainingFlopsPerToken } from '../../gpt/sizes';
import type { TensorMap } from '../../gpt/tensor';
import { loadTokenizerFile } from '../../tokenizer/loadTokenizerFile';
import { saveCheckpoint, type HistoryPoint } from '../checkpoint';
import { DataError } from '../dataset';
import { groupByLayer, layerNorms } from '../layerGradients';
import { initAdapters, loraOverlay, mergeAdapters } from '../lora';
import { measureMatMulFlops } from '../matmulPeak';
import { checkFitsInMemory, trainingMemory } from '../memoryEstimate';
import { checkTrainOptions, type TrainOptions } from '../options';
import type { DoneEvent, PreferenceMetrics } from '../protocol';
import { lastFolder, refuseToOverwrite, startingPoint } from '../runSetup';
import { gptOnly } from '../trainableConfig';
import { learningRateAt } from '../schedule';
import { StepRunner } from '../stepRunner';
import type { TrainHooks } from '../trainer';
import { buildDpoTrainingGraph, buildSequenceLogProbGraph } from './dpoGraph';
import { loadPreferencePairs, preferenceBatch, type PreferencePair } from './preferencePairs';
import { PreferenceMeter } from './preferenceMeter';

/** Pairs of the step: P of the endless sequence of shuffled epochs, deterministic in (seed, step). */
function pairsAt(pairs: readonly PreferencePair[], perStep: number, seed: number, step: number): PreferencePair[] {
  return Array.from({ length: perStep }, (_, i) => {
    const sequence = step * perStep + i;
    const order = shuffledIndices(pairs.length, new Mulberry32(mixSeed(seed, Math.floor(sequence / pairs.length))));
    return pairs[order[sequence % pairs.length]];
  });
}

export async function trainDpo(options: TrainOptions, hooks: TrainHooks = {}): Promise<DoneEvent> {
  const objective = options.objective;
  if (objective?.kind !== 'dpo') throw new Error('trainDpo needs the DPO objective');
  if (options.resume) throw new Error('a DPO run cannot be resumed yet: start it again into an empty folder');
  checkTrainOptions(options);
  refuseToOverwrite(options);
  const emit = (event: Parameters<NonNullable<TrainHooks['onEvent']>>[0]) => hooks.onEvent?.(event);

  const tokenizer = await loadTokenizerFile(options.tokenizerPath);
  const start = startingPoint(options);
  const config = gptOnly(start.config, 'DPO');
  const lora = options.lora;
  const adapters = lora ? (start.adapters ?? initAdapters(config, lora, options.seed)) : undefined;
  const T = Math.min(options.contextLength, config.n_positions);
  const P = options.batchSize;
  const padId = tokenizer.specialTokens.get('<|endoftext|>') ?? 0;

  const all = loadPreferencePairs(options.dataPath, tokenizer, T);
  const heldOutData = options.validationPath ? loadPreferencePairs(options.validationPath, tokenizer, T) : undefined;
  const heldOut = heldOutData?.pairs ?? all.pairs.slice(all.pairs.length - Math.floor(all.pairs.length * options.validationFraction));
  const train = heldOutData ? all.pairs : all.pairs.slice(0, all.pairs.length - heldOut.length);
  if (train.length === 0) throw new DataError(options.dataPath, 'leaves no pair to train on after the held-out part');
  const notes = [...all.skipped.map((s) => `${options.dataPath}: line ${s.line} skipped: ${s.reason}`), ...(heldOutData?.skipped ?? []).map((s) => `${options.validationPath}: line ${s.line} skipped: ${s.reason}`)];

  const trainableCount = adapters ? [...adapters.values()].reduce((n, a) => n + a.length, 0) : parameterCount(config).total;
  checkFitsInMemory(trainingMemory(config, 2 * P, T, options.optimizer.kind, trainableCount), os.totalmem());
  const overlay = lora ? loraOverlay(config, lora) : undefined;
  const initial = new Map([...start.weights].map(([name, t]) => [name, t.data]));
  for (const [name, data] of adapters ?? []) initial.set(name, data);
  const graphOptions = { config, batchSize: 2 * P, contextLength: T, optimizer: options.optimizer, threads: options.threads, decayEmbeddings: options.decayEmbeddings, ...(overlay ? { overlay, trainable: [...(adapters?.keys() ?? [])] } : {}) };
  const runner = await StepRunner.create({ ...graphOptions, buildGraph: (o) => buildDpoTrainingGraph({ ...o, pairs: P, beta: objective.beta }) }, initial);
  const meter = await PreferenceMeter.create(buildSequenceLogProbGraph(graphOptions), { contextLength: T, vocabSize: config.vocab_size, padId, beta: objective.beta, threads: options.threads }, heldOut);

  try {
    // π_ref: the starting parameters, measured before the first step changes them.
    const referenceFeeds = runner.parameterFeeds();
    const reference = new Map((await meter.pairLogProbs(referenceFeeds, train)).map((lp, i) => [train[i], lp]));
    await meter.measureReference(referenceFeeds);

    const totalSteps = options.steps;
    const schedule = { peak: options.learningRate, warmupSteps: options.warmupSteps, totalSteps, floorRatio: options.minLearningRateRatio, decay: options.schedule };
    const grouping = groupByLayer(runner.graph.trainable);
    const flopsPerToken = trainingFlopsPerToken(config, (T + 1) / 2);
    const peakFlops = await measureMatMulFlops(options.threads);
    const history: HistoryPoint[] = [];
    const stepsPerEpoch = Math.ceil(train.length / P);
    emit({
      type: 'started', architecture: 'gpt2', step: 0, totalSteps, parameters: parameterCount(config).total, trainableParameters: trainableCount, flopsPerToken, peakFlops,
      trainTokens: train.reduce((n, p) => n + p.chosen.ids.length + p.rejected.ids.length, 0), validationTokens: heldOut.reduce((n, p) => n + p.chosen.ids.length + p.rejected.ids.length, 0),
      stepsPerEpoch, layers: grouping.layers, history, notes,
    });

    const currentWeights = (): TensorMap => {
      const full: TensorMap = new Map([...start.weights].map(([name, t]) => [name, { dims: t.dims, data: runner.parameters.get(name) ?? t.data }]));
      if (!lora) return full;
      return mergeAdapters(config, lora, full, new Map(runner.graph.trainable.map((n) => [n, runner.parameters.get(n) as Float32Array])));
    };
    const dims = new Map(runner.parameterShapes().map((p) => [p.name, p.dims]));
    const dimsOf = (name: string) => dims.get(name.replace(/\.(adam_m|adam_v|momentum)$/, '')) ?? [];
    let step = 0;
    const save = async () => {
      await saveCheckpoint(lastFolder(options.outDir), {
        config, weights: currentWeights(), tokenizerJson: tokenizer.tokenizerJson,
        chatTemplate: typeof tokenizer.config.chat_template === 'string' ? tokenizer.config.chat_template : undefined,
        optimizerState: runner.state,
        adapters: lora ? new Map(runner.graph.trainable.map((n) => [n, runner.parameters.get(n) as Float32Array])) : undefined,
        state: { step, totalSteps, seed: options.seed, batchSize: P, contextLength: T, optimizer: options.optimizer, lora, baseModel: options.baseModel, sampleRandomState: options.seed, history },
      }, dimsOf);
      emit({ type: 'checkpoint', step, folder: lastFolder(options.outDir), best: false });
    };

    let cancelled = false;
    let lastLoss = Number.NaN;
    while (step < totalSteps) {
      await new Promise((resolve) => setImmediate(resolve));
      if (hooks.signal?.aborted) {
        cancelled = true;
        break;
      }
      const learningRate = learningRateAt(schedule, step);
      const pairs = pairsAt(train, P, options.seed, step);
      const referenceLogp = Float32Array.from([...pairs.map((p) => reference.get(p)![0]), ...pairs.map((p) => reference.get(p)![1])]);
      const began = performance.now();
      const result = await runner.step(preferenceBatch(pairs, T, padId), step, learningRate, options.maxGradNorm, { reference_logp: new (loadOrt().Tensor)('float32', referenceLogp, [2 * P]) });
      const ms = performance.now() - began;
      if (!Number.isFinite(result.loss)) throw new Error(`the DPO loss became ${result.loss} at step ${step + 1}; try a lower learning rate (now ${learningRate.toExponential(2)})`);
      step++;
      lastLoss = result.loss;
      const chosen = result.outputs.chosen_rewards.data as Float32Array;
      const rejected = result.outputs.rejected_rewards.data as Float32Array;
      const preference: PreferenceMetrics = {
        trainAccuracy: chosen.filter((c, i) => c > rejected[i]).length / P,
        trainMargin: chosen.reduce((a, c, i) => a + c - rejected[i], 0) / P,
        ...((options.evalEvery > 0 && step % options.evalEvery === 0) || step === totalSteps ? { heldOut: await meter.measure(runner.parameterFeeds()) } : {}),
      };
      history.push({ step, loss: result.loss, ...(preference.heldOut ? { validationLoss: preference.heldOut.loss } : {}), preference });
      const tokens = 2 * P * T;
      emit({
        type: 'progress', step, totalSteps, epoch: step / stepsPerEpoch, loss: result.loss, validationLoss: preference.heldOut?.loss,
        learningRate, gradNorm: result.gradNorm, layerGradNorms: layerNorms(grouping, result.gradSquares),
        tokensPerSecond: (tokens / ms) * 1000, mfu: ((tokens / ms) * 1000 * flopsPerToken) / peakFlops, etaSeconds: ((totalSteps - step) * ms) / 1000, preference,
      });
      if (step === totalSteps || (options.checkpointEvery > 0 && step % options.checkpointEvery === 0)) await save();
    }
    if (cancelled) await save();
    const done: DoneEvent = { type: 'done', step, cancelled, finalLoss: lastLoss, lastFolder: lastFolder(options.outDir) };
    emit(done);
    return done;
  } finally {
    await Promise.all([runner.release(), meter.release()]);
  }
}
