// results.json of a scaling sweep: every finished run, the fitted law, its prediction for the next
// size and, once trained, the checked point. Field names are snake_case, as in the model folders'
// JSON, so that a notebook reads them without a mapping. It is rewritten (atomically) after every
// run, so a sweep stopped halfway keeps the runs it finished.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeJsonAtomic } from '../modelFolder/atomicWrite';
import { fitPowerLaw, predictLoss, type PowerLawFit } from './powerLawFit';
import type { PlannedRun } from './sweepPlan';

/** Kaplan et al. 2020, eq. 1.1: α_N = 0.076 for L(N) = (N_c / N)^α_N, N non-embedding. */
export const KAPLAN_ALPHA_N = 0.076;

export interface RunResult {
  readonly name: string;
  readonly n_layer: number;
  readonly n_embd: number;
  readonly n_head: number;
  readonly non_embedding_parameters: number;
  readonly parameters: number;
  readonly steps: number;
  readonly tokens: number;
  /** Kaplan's C = 6·N·D. */
  readonly flops: number;
  /** Validation loss after the last step, nats per token. */
  readonly val_loss: number;
  /** Training loss of the last batch. */
  readonly train_loss: number;
  readonly seconds: number;
  /** The trained model folder (relative to results.json). */
  readonly folder: string;
}

export interface SweepFit {
  readonly e: number;
  readonly a: number;
  readonly alpha: number;
  readonly alpha_interval: readonly [number, number];
  readonly bootstrap_samples: number;
  readonly rms_log_residual: number;
}

export interface SweepPrediction {
  readonly name: string;
  readonly n_embd: number;
  readonly non_embedding_parameters: number;
  readonly tokens: number;
  readonly flops: number;
  readonly predicted_val_loss: number;
}

export interface SweepResults {
  readonly version: 1;
  readonly data: string;
  readonly validation: string | null;
  readonly tokenizer: string;
  readonly budget_flops: number;
  readonly tokens_per_parameter: number;
  readonly recipe: { readonly n_layer: number; readonly context: number; readonly batch: number; readonly learning_rate: number; readonly seed: number };
  readonly runs: readonly RunResult[];
  /** Runs planned but not finished: a stopped sweep lists them here. */
  readonly not_run: readonly string[];
  readonly cancelled: boolean;
  /** Null until three sizes have finished. */
  readonly fit: SweepFit | null;
  readonly kaplan_alpha_n: number;
  readonly prediction: SweepPrediction | null;
  /** The predicted size, trained: its real validation loss beside the prediction. */
  readonly check: (RunResult & { readonly predicted_val_loss: number }) | null;
}

export const RESULTS_FILE = 'results.json';

/** The law fitted to the finished runs, or null with fewer than three sizes. */
export function fitRuns(runs: readonly RunResult[]): PowerLawFit | null {
  if (new Set(runs.map((r) => r.non_embedding_parameters)).size < 3) return null;
  return fitPowerLaw(runs.map((r) => ({ n: r.non_embedding_parameters, loss: r.val_loss })));
}

export function fitAndPredict(runs: readonly RunResult[], next: PlannedRun | undefined): Pick<SweepResults, 'fit' | 'prediction'> {
  const law = fitRuns(runs);
  if (!law) return { fit: null, prediction: null };
  const fit: SweepFit = { e: law.e, a: law.a, alpha: law.alpha, alpha_interval: law.alphaInterval, bootstrap_samples: law.bootstrapSamples, rms_log_residual: law.rmsLogResidual };
  const prediction = next
    ? { name: next.name, n_embd: next.config.n_embd, non_embedding_parameters: next.nonEmbeddingParameters, tokens: next.tokens, flops: next.flops, predicted_val_loss: predictLoss(law, next.nonEmbeddingParameters) }
    : null;
  return { fit, prediction };
}

export function writeResults(outDir: string, results: SweepResults): void {
  writeJsonAtomic(path.join(outDir, RESULTS_FILE), results);
}

/** Reads <dir>/results.json, with a message naming the file when it is missing or not a sweep's. */
export function readResults(outDir: string): SweepResults {
  const file = path.join(outDir, RESULTS_FILE);
  if (!fs.existsSync(file)) throw new Error(`${file}: no such file; run a scaling sweep into ${outDir} first`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const results = parsed as Partial<SweepResults>;
  if (results.version !== 1 || !Array.isArray(results.runs)) throw new Error(`${file}: not the results of a scaling sweep (version 1 with runs)`);
  return results as SweepResults;
}
