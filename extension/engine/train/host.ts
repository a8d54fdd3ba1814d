// Starts a training job off the caller's thread and turns whatever happens to it into events.
// The job runs trainWorker.js either in a child process (default: a native crash in ONNX Runtime
// kills only that process) or in a worker thread (cheaper to start; an exception or exit in the
// thread is still reported, but a native crash would take the host process down with it).
// Either way the host sees started, progress, sample, checkpoint, then exactly one done or error.
// An estimate or compare job answers with one estimate or comparison, or an error.

import { Worker } from 'node:worker_threads';
import type { PyTorchExport } from '../pytorchExport/exportRun';
import type { ComparedText, CompareRequest } from './compareModels';
import type { TrainingEstimate } from './estimate';
import type { DataPreview } from './instruct/dataPreview';
import { forkWorker } from '../workers/forkWorker';
import type { TrainOptions } from './options';
import type { SweepOptions } from '../scalingSweep/sweep';
import type { SweepResults } from '../scalingSweep/sweepResults';
import { isTrainEvent, type DoneEvent, type HostToWorker, type TrainEvent } from './protocol';

export interface TrainingJobOptions {
  /** Path of trainWorker.js (dist/trainWorker.js in the extension). */
  readonly workerScript: string;
  readonly isolation?: 'process' | 'thread';
  readonly onEvent?: (event: TrainEvent) => void;
}

export interface TrainingJob {
  /** Resolves with `done`, or rejects with the error event's message (crash included). */
  readonly finished: Promise<DoneEvent>;
  /** Asks the job to stop after the current step; it saves a checkpoint and ends with done (cancelled). */
  cancel(): void;
  /** The child's process id (process isolation), e.g. to watch its memory. */
  readonly pid?: number;
}

interface WorkerHandle {
  readonly send: (message: HostToWorker) => void;
  readonly pid?: number;
}

/** Runs the worker script; every event it sends, and an exit before it finished, reach `deliver`. */
function spawnWorker(job: TrainingJobOptions, deliver: (event: TrainEvent) => void): WorkerHandle {
  const onMessage = (message: unknown) => {
    if (isTrainEvent(message)) deliver(message);
  };
  // An exit before done or error is a crash: report it as the job's error.
  const onExit = (code: number | null, signal?: NodeJS.Signals | null) => {
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    deliver({ type: 'error', message: `the training process ${how} before finishing` });
  };
  if ((job.isolation ?? 'process') === 'process') {
    const child = forkWorker(job.workerScript);
    child.on('message', onMessage);
    child.on('error', (error) => deliver({ type: 'error', message: `the training process failed: ${error.message}` }));
    child.on('exit', onExit);
    return { pid: child.pid, send: (m) => void (child.connected && child.send(m)) };
  }
  const worker = new Worker(job.workerScript);
  worker.on('message', onMessage);
  worker.on('error', (error) => deliver({ type: 'error', message: `the training thread failed: ${error.message}` }));
  worker.on('exit', (code) => onExit(code));
  return { send: (m) => worker.postMessage(m) };
}

/** Sends `request` and settles on the first event `isFinal` accepts, or on an error. */
export function runJob<Final extends TrainEvent>(request: HostToWorker, job: TrainingJobOptions, isFinal: (e: TrainEvent) => e is Final): { finished: Promise<Final>; worker: WorkerHandle } {
  let settled = false;
  let worker!: WorkerHandle;
  const finished = new Promise<Final>((resolve, reject) => {
    worker = spawnWorker(job, (event) => {
      if (settled) return;
      job.onEvent?.(event);
      if (isFinal(event)) {
        settled = true;
        resolve(event);
      } else if (event.type === 'error') {
        settled = true;
        reject(new Error(event.message));
      }
    });
  });
  worker.send(request);
  return { finished, worker };
}

export function startTrainingJob(options: TrainOptions, job: TrainingJobOptions): TrainingJob {
  const { finished, worker } = runJob({ type: 'start', options }, job, (e): e is DoneEvent => e.type === 'done');
  return { finished, cancel: () => worker.send({ type: 'cancel' }), pid: worker.pid };
}

/** Continues one prompt with each model folder in the worker, with the same seed. */
export async function compareInWorker(request: CompareRequest, job: TrainingJobOptions): Promise<readonly ComparedText[]> {
  const { finished } = runJob({ type: 'compare', request }, job, (e): e is Extract<TrainEvent, { type: 'comparison' }> => e.type === 'comparison');
  return (await finished).columns;
}

/** Measures a run in the worker (tokenizing the data, one timed step) without starting it. */
export async function estimateInWorker(options: TrainOptions, job: TrainingJobOptions): Promise<TrainingEstimate> {
  const { finished } = runJob({ type: 'estimate', options }, job, (e): e is Extract<TrainEvent, { type: 'estimate' }> => e.type === 'estimate');
  return (await finished).estimate;
}

/** Reads SFT or DPO data as the run `options` describes would (its bad lines refuse it), in the worker. */
export async function previewDataInWorker(options: TrainOptions, job: TrainingJobOptions): Promise<DataPreview> {
  const { finished } = runJob({ type: 'previewData', options }, job, (e): e is Extract<TrainEvent, { type: 'dataPreview' }> => e.type === 'dataPreview');
  return (await finished).preview;
}

/** Writes the run `options` describes as a PyTorch script folder `dir`, in the worker (it tokenizes the data). */
export async function exportPyTorchInWorker(options: TrainOptions, dir: string, job: TrainingJobOptions): Promise<PyTorchExport> {
  const { finished } = runJob({ type: 'exportPyTorch', options, dir }, job, (e): e is Extract<TrainEvent, { type: 'exported' }> => e.type === 'exported');
  return (await finished).result;
}

export interface SweepJob {
  /** Resolves with the sweep's results (a cancelled sweep's keep its finished runs), or rejects with its error. */
  readonly finished: Promise<SweepResults>;
  cancel(): void;
}

/** Runs a scaling sweep (`{ options }`) or trains the prediction of the sweep in `{ checkOutDir }`, in the worker. */
export function startSweepJob(request: { readonly options: SweepOptions } | { readonly checkOutDir: string }, job: TrainingJobOptions): SweepJob {
  const message: HostToWorker = 'options' in request ? { type: 'sweep', options: request.options } : { type: 'sweep-check', outDir: request.checkOutDir };
  const { finished, worker } = runJob(message, job, (e): e is Extract<TrainEvent, { type: 'sweep-results' }> => e.type === 'sweep-results');
  return { finished: finished.then((e) => e.results), cancel: () => worker.send({ type: 'cancel' }) };
}
