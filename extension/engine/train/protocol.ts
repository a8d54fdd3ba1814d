// The messages between the host (extension, CLI) and the training worker. The host sends `start`
// once and may send `cancel`; the worker answers with started, progress, samples, checkpoints and
// finally exactly one `done` or `error`. Or the host sends `estimate` (or `compare`, or `previewData`), and the
// worker answers with one `estimate` (or `comparison`, or `dataPreview`) or `error`. A `sweep` (or `sweep-check`) runs a
// scaling sweep (or trains its predicted size) and ends with one `sweep-results` or `error`;
// `speculative` ends with one `speculative-report`, `forgetting` with one `forgetting-done`. Both sides import this file, so a change of shape is a
// type error on both sides at once.

import type { PyTorchExport } from '../pytorchExport/exportRun';
import type { ComparedText, CompareRequest } from './compareModels';
import type { DataPreview } from './instruct/dataPreview';
import type { TrainingEstimate } from './estimate';
import type { TrainOptions } from './options';
import type { SweepEvent, SweepOptions } from '../scalingSweep/sweep';
import type { ForgettingCurve, ForgettingEvent, ForgettingOptions } from '../continualLearning/forgetting';
import type { SpeculativeReport, SpeculativeRequest } from '../generate/speculativeRun';
import type { BackendReport } from '../runtime/ortBackend';
import type { Architecture } from './trainableConfig';

export type HostToWorker =
  | { readonly type: 'start'; readonly options: TrainOptions }
  | { readonly type: 'estimate'; readonly options: TrainOptions }
  | { readonly type: 'compare'; readonly request: CompareRequest }
  | { readonly type: 'exportPyTorch'; readonly options: TrainOptions; readonly dir: string }
  | { readonly type: 'previewData'; readonly options: TrainOptions }
  | { readonly type: 'sweep'; readonly options: SweepOptions }
  | { readonly type: 'sweep-check'; readonly outDir: string }
  | { readonly type: 'speculative'; readonly request: SpeculativeRequest }
  | { readonly type: 'forgetting'; readonly options: ForgettingOptions }
  | { readonly type: 'cancel' };

/** Sent once, when the graphs are built and before the first step: what the run is. */
export interface StartedEvent {
  readonly type: 'started';
  /** The model trained: our GPT-2 or a Llama. */
  readonly architecture: Architecture;
  /** The first step to run (above 0 when resuming). */
  readonly step: number;
  readonly totalSteps: number;
  readonly parameters: number;
  readonly trainableParameters: number;
  /** Training FLOPs per token (forward + backward, multiply-add = 2). */
  readonly flopsPerToken: number;
  /** ONNX Runtime's MatMul FLOP/s on this machine: the yardstick of MFU. */
  readonly peakFlops: number;
  readonly trainTokens: number;
  readonly validationTokens: number;
  readonly stepsPerEpoch: number;
  /** Names of the rows of layerGradNorms. */
  readonly layers: readonly string[];
  /** What the data loader left out and why (DPO: pairs whose chosen equals rejected). */
  readonly notes?: readonly string[];
  /** The loss history so far (a resumed run's earlier steps). */
  readonly history: readonly { readonly step: number; readonly loss: number; readonly validationLoss?: number }[];
  /** The ONNX Runtime backend the run's steps run on. */
  readonly backend?: BackendReport;
}

export interface ProgressEvent {
  readonly type: 'progress';
  /** Optimizer steps completed. */
  readonly step: number;
  readonly totalSteps: number;
  readonly epoch: number;
  /** Mean cross-entropy (nats per token) of the batch of this step. */
  readonly loss: number;
  /** Validation loss, on the steps where it was measured. */
  readonly validationLoss?: number;
  readonly learningRate: number;
  /** Global L2 norm of the gradient before clipping. */
  readonly gradNorm: number;
  /** The same norm per layer (StartedEvent.layers); their squares add up to gradNorm². */
  readonly layerGradNorms: readonly number[];
  /** Model FLOPs utilisation: tokensPerSecond × flopsPerToken ÷ peakFlops. */
  readonly mfu: number;
  /** Training tokens per second, averaged over the last few steps. */
  readonly tokensPerSecond: number;
  /** Estimated seconds until the last step. */
  readonly etaSeconds: number;
  /** DPO runs: the preference measurements (held-out ones on the steps where they were measured). */
  readonly preference?: PreferenceMetrics;
}

/** What a DPO run reports; rewards are β·(log πθ − log π_ref) of whole answers. */
export interface PreferenceMetrics {
  /** Share of this step's pairs whose chosen reward beats the rejected one. */
  readonly trainAccuracy: number;
  readonly trainMargin: number;
  readonly heldOut?: {
    readonly pairs: number;
    readonly loss: number;
    readonly accuracy: number;
    readonly chosenReward: number;
    readonly rejectedReward: number;
    readonly margin: number;
    /** Mean per-token KL(πθ ‖ π_ref) over the held-out chosen answers' tokens, nats. */
    readonly kl: number;
  };
}

export interface SampleEvent {
  readonly type: 'sample';
  readonly step: number;
  readonly prompt: string;
  /** The continuation generated from the current weights (prompt excluded). */
  readonly text: string;
}

export interface CheckpointEvent {
  readonly type: 'checkpoint';
  readonly step: number;
  /** The model folder written (loadable by the runtime, transformers.js and PyTorch). */
  readonly folder: string;
  /** True when this is also the new best checkpoint by validation loss. */
  readonly best: boolean;
  readonly validationLoss?: number;
}

export interface DoneEvent {
  readonly type: 'done';
  readonly step: number;
  readonly cancelled: boolean;
  readonly finalLoss: number;
  readonly bestValidationLoss?: number;
  /** The last checkpoint folder, and the best one by validation loss. */
  readonly lastFolder: string;
  readonly bestFolder?: string;
}

export interface EstimateEvent {
  readonly type: 'estimate';
  readonly estimate: TrainingEstimate;
}

export interface ComparisonEvent {
  readonly type: 'comparison';
  readonly columns: readonly ComparedText[];
}

export interface ExportedEvent {
  readonly type: 'exported';
  readonly result: PyTorchExport;
}

export interface DataPreviewEvent {
  readonly type: 'dataPreview';
  readonly preview: DataPreview;
}

export interface ErrorEvent {
  readonly type: 'error';
  readonly message: string;
}

/** Speculative decoding measured against the target's greedy decoding (generate/speculativeRun.ts). */
export interface SpeculativeEvent {
  readonly type: 'speculative-report';
  readonly report: SpeculativeReport;
}

/** The end of a forgetting measurement: every curve finished (all of them unless cancelled). */
export interface ForgettingDoneEvent {
  readonly type: 'forgetting-done';
  readonly curves: readonly ForgettingCurve[];
  readonly cancelled: boolean;
}

export type TrainEvent =
  | StartedEvent | ProgressEvent | SampleEvent | CheckpointEvent | DoneEvent | EstimateEvent | ComparisonEvent | ExportedEvent | DataPreviewEvent | ErrorEvent | SweepEvent
  | SpeculativeEvent | ForgettingEvent | ForgettingDoneEvent;

/** A structured-clone message from the worker is checked before the host trusts its type. */
export function isTrainEvent(value: unknown): value is TrainEvent {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return (
    type === 'started' || type === 'progress' || type === 'sample' || type === 'checkpoint' || type === 'done' || type === 'estimate' || type === 'comparison' || type === 'exported' || type === 'dataPreview' || type === 'error' ||
    type === 'sweep-planned' || type === 'sweep-run-started' || type === 'sweep-train' || type === 'sweep-results' ||
    type === 'speculative-report' || type === 'forgetting-point' || type === 'forgetting-curve' || type === 'forgetting-done'
  );
}

export function isHostToWorker(value: unknown): value is HostToWorker {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as { type?: unknown; options?: unknown; request?: unknown; dir?: unknown; outDir?: unknown };
  const isObject = (v: unknown) => typeof v === 'object' && v !== null;
  if (message.type === 'cancel') return true;
  if (message.type === 'compare') return isObject(message.request);
  if (message.type === 'exportPyTorch') return isObject(message.options) && typeof message.dir === 'string';
  if (message.type === 'sweep-check') return typeof message.outDir === 'string';
  if (message.type === 'speculative') return isObject(message.request);
  return (message.type === 'start' || message.type === 'estimate' || message.type === 'previewData' || message.type === 'sweep' || message.type === 'forgetting') && isObject(message.options);
}
