// A scaling sweep: the planned models trained one after another with one recipe, the law fitted to
// their final validation losses, and the next size predicted; then, on request, that size trained
// to check the prediction. Plain Node: the training worker, the CLI and tests call it.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeJsonAtomic } from '../modelFolder/atomicWrite';
import { loadTokenizerFile } from '../tokenizer/loadTokenizerFile';
import { BYTE_VOCAB_SIZE, byteTokenizerJson } from '../train/byteTokenizer';
import { splitTrainValidation } from '../train/dataset';
import { defaultTrainOptions, type TrainOptions } from '../train/options';
import type { TrainEvent } from '../train/protocol';
import { loadTokenStreamCached } from '../train/tokenCache';
import { train } from '../train/trainer';
import { fitAndPredict, KAPLAN_ALPHA_N, readResults, writeResults, RESULTS_FILE, type RunResult, type SweepResults } from './sweepResults';
import { DEFAULT_WIDTHS, plannedRun, planSweep, type PlannedRun, type SweepPlan, type SweepRecipe } from './sweepPlan';

export interface SweepOptions {
  readonly dataPath: string;
  /** Held-out text; default: the last 10% of the data. */
  readonly validationPath?: string;
  /** tokenizer.json or a folder holding one; default: bytes (written to <out>/byte-tokenizer). */
  readonly tokenizerPath?: string;
  readonly outDir: string;
  /** Kaplan FLOPs (6·N·D summed over the fitted runs). */
  readonly budgetFlops: number;
  readonly tokensPerParameter?: number;
  readonly nLayer?: number;
  readonly contextLength?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  readonly maxRuns?: number;
  readonly widths?: readonly number[];
  readonly seed?: number;
  readonly threads?: number;
}

export type SweepEvent =
  | { readonly type: 'sweep-planned'; readonly plan: SweepPlan; readonly trainTokens: number }
  | { readonly type: 'sweep-run-started'; readonly index: number; readonly run: PlannedRun; readonly check: boolean }
  | { readonly type: 'sweep-train'; readonly index: number; readonly event: TrainEvent }
  | { readonly type: 'sweep-results'; readonly results: SweepResults };

export interface SweepHooks {
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: SweepEvent) => void;
}

interface Settings {
  readonly recipe: SweepRecipe;
  readonly learningRate: number;
  readonly seed: number;
  readonly tokenizerPath: string;
}

function settingsOf(options: SweepOptions, vocabSize: number, tokenizerPath: string): Settings {
  return {
    recipe: {
      nLayer: options.nLayer ?? 2, contextLength: options.contextLength ?? 64, batchSize: options.batchSize ?? 16, vocabSize,
      tokensPerParameter: options.tokensPerParameter ?? 20, maxRuns: options.maxRuns ?? 5, widths: options.widths ?? DEFAULT_WIDTHS,
    },
    learningRate: options.learningRate ?? 2e-3,
    seed: options.seed ?? 1337,
    tokenizerPath,
  };
}

/** The training options of one run of the sweep: the same recipe for every size. */
function runOptions(options: SweepOptions, settings: Settings, run: PlannedRun): TrainOptions {
  const outDir = path.join(options.outDir, 'runs', run.name);
  const defaults = defaultTrainOptions({ dataPath: options.dataPath, tokenizerPath: settings.tokenizerPath, outDir, model: run.config });
  return {
    ...defaults,
    validationPath: options.validationPath,
    tokenCacheDir: path.join(options.outDir, 'token-cache'),
    steps: run.steps,
    batchSize: settings.recipe.batchSize,
    contextLength: settings.recipe.contextLength,
    learningRate: settings.learningRate,
    warmupSteps: Math.min(50, Math.ceil(run.steps / 10)),
    seed: settings.seed,
    // Validation only after the last step (evalEvery 0), over more batches than the default.
    evalEvery: 0,
    validationBatches: 32,
    sampleEvery: 0,
    checkpointEvery: 0,
    threads: options.threads,
  };
}

/** Trains one planned run; undefined when it was cancelled before its last step. */
async function trainRun(options: SweepOptions, settings: Settings, run: PlannedRun, index: number, hooks: SweepHooks): Promise<RunResult | undefined> {
  const trainOptions = runOptions(options, settings, run);
  let validationLoss = NaN;
  const began = performance.now();
  const done = await train(trainOptions, {
    signal: hooks.signal,
    onEvent: (event) => {
      if (event.type === 'progress' && event.validationLoss !== undefined) validationLoss = event.validationLoss;
      hooks.onEvent?.({ type: 'sweep-train', index, event });
    },
  });
  if (done.cancelled) return undefined;
  if (!Number.isFinite(validationLoss)) throw new Error(`${options.validationPath ?? options.dataPath}: too little validation text for one window of ${settings.recipe.contextLength + 1} tokens`);
  const { config } = run;
  return {
    name: run.name, n_layer: config.n_layer, n_embd: config.n_embd, n_head: config.n_head,
    non_embedding_parameters: run.nonEmbeddingParameters, parameters: run.parameters, steps: run.steps, tokens: run.tokens, flops: run.flops,
    val_loss: validationLoss, train_loss: done.finalLoss, seconds: (performance.now() - began) / 1000,
    folder: path.relative(options.outDir, done.lastFolder).split(path.sep).join('/'),
  };
}

async function resolveTokenizer(options: SweepOptions): Promise<{ path: string; vocabSize: number; tokenizer: Awaited<ReturnType<typeof loadTokenizerFile>> }> {
  let file = options.tokenizerPath;
  if (!file) {
    file = path.join(options.outDir, 'byte-tokenizer', 'tokenizer.json');
    if (!fs.existsSync(file)) writeJsonAtomic(file, byteTokenizerJson());
  }
  const tokenizer = await loadTokenizerFile(file);
  return { path: file, vocabSize: options.tokenizerPath ? tokenizer.vocabSize : BYTE_VOCAB_SIZE, tokenizer };
}

/** Plans the sweep for the data and budget, trains each size, fits, predicts; results.json after every run. */
export async function runSweep(options: SweepOptions, hooks: SweepHooks = {}): Promise<SweepResults> {
  if (fs.existsSync(path.join(options.outDir, RESULTS_FILE))) {
    throw new Error(`${path.join(options.outDir, RESULTS_FILE)}: this folder holds an earlier sweep; choose an empty folder (or train its prediction with --check-only)`);
  }
  const tokenizer = await resolveTokenizer(options);
  const settings = settingsOf(options, tokenizer.vocabSize, tokenizer.path);
  const cacheDir = path.join(options.outDir, 'token-cache');
  const stream = loadTokenStreamCached(options.dataPath, tokenizer.tokenizer, cacheDir);
  const trainTokens = options.validationPath ? stream.length : splitTrainValidation(stream, 0.1, settings.recipe.contextLength, options.dataPath).train.length;
  const plan = planSweep(options.budgetFlops, trainTokens, options.dataPath, settings.recipe);
  hooks.onEvent?.({ type: 'sweep-planned', plan, trainTokens });

  const runs: RunResult[] = [];
  const snapshot = (cancelled: boolean): SweepResults => ({
    version: 1, data: options.dataPath, validation: options.validationPath ?? null, tokenizer: options.tokenizerPath ?? 'bytes',
    budget_flops: options.budgetFlops, tokens_per_parameter: settings.recipe.tokensPerParameter,
    recipe: { n_layer: settings.recipe.nLayer, context: settings.recipe.contextLength, batch: settings.recipe.batchSize, learning_rate: settings.learningRate, seed: settings.seed },
    runs, not_run: plan.runs.slice(runs.length).map((r) => r.name), cancelled,
    ...fitAndPredict(runs, plan.check), kaplan_alpha_n: KAPLAN_ALPHA_N, check: null,
  });
  for (const [index, run] of plan.runs.entries()) {
    if (hooks.signal?.aborted) break;
    hooks.onEvent?.({ type: 'sweep-run-started', index, run, check: false });
    const result = await trainRun(options, settings, run, index, hooks);
    if (!result) break;
    runs.push(result);
    writeResults(options.outDir, snapshot(false));
  }
  const results = snapshot(runs.length < plan.runs.length);
  writeResults(options.outDir, results);
  hooks.onEvent?.({ type: 'sweep-results', results });
  return results;
}

/** "Train it and check": trains the size the fit predicted, with the sweep's recipe, and records its real loss. */
export async function checkPrediction(outDir: string, hooks: SweepHooks = {}): Promise<SweepResults> {
  const saved = readResults(outDir);
  if (!saved.prediction) throw new Error(`${path.join(outDir, RESULTS_FILE)}: no prediction to check (the sweep has fewer than three finished sizes, or no larger size on its ladder)`);
  const options: SweepOptions = {
    dataPath: saved.data, validationPath: saved.validation ?? undefined, tokenizerPath: saved.tokenizer === 'bytes' ? undefined : saved.tokenizer,
    outDir, budgetFlops: saved.budget_flops, tokensPerParameter: saved.tokens_per_parameter, nLayer: saved.recipe.n_layer,
    contextLength: saved.recipe.context, batchSize: saved.recipe.batch, learningRate: saved.recipe.learning_rate, seed: saved.recipe.seed,
  };
  const tokenizer = await resolveTokenizer(options);
  const settings = settingsOf(options, tokenizer.vocabSize, tokenizer.path);
  const run = plannedRun(saved.prediction.n_embd, settings.recipe);
  const stream = loadTokenStreamCached(options.dataPath, tokenizer.tokenizer, path.join(outDir, 'token-cache'));
  const trainTokens = options.validationPath ? stream.length : splitTrainValidation(stream, 0.1, settings.recipe.contextLength, options.dataPath).train.length;
  if (run.tokens > trainTokens) {
    throw new Error(`${options.dataPath}: ${trainTokens} training tokens, but the predicted size (N = ${run.nonEmbeddingParameters}) needs ${run.tokens} in one pass`);
  }
  hooks.onEvent?.({ type: 'sweep-run-started', index: saved.runs.length, run, check: true });
  const result = await trainRun(options, settings, run, saved.runs.length, hooks);
  const results: SweepResults = result ? { ...saved, check: { ...result, predicted_val_loss: saved.prediction.predicted_val_loss } } : saved;
  writeResults(outDir, results);
  hooks.onEvent?.({ type: 'sweep-results', results });
  return results;
}
