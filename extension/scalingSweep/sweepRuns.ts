// The extension's scaling sweeps: at most one at a time, in the training worker process (never on
// the extension host's thread). This service starts a sweep or "train it and check", stops it
// (the finished runs stay in results.json and on the plot), follows the run training now for the
// panel's live loss chart, and remembers the last sweep's folder, so its results come back after
// a window reload. Closing the panel does not stop a sweep; closing the window does.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startSweepJob, type SweepJob } from '../engine/train/host';
import type { TrainEvent } from '../engine/train/protocol';
import type { SweepOptions } from '../engine/scalingSweep/sweep';
import { readResults, RESULTS_FILE, type SweepResults } from '../engine/scalingSweep/sweepResults';
import { log } from '../log';
import type { CurrentRunView, SweepStatus } from '../../webviews/scalingSweep/protocol';

const LAST_SWEEP_KEY = 'llmPipeline.scalingSweep.last';
/** The panel is redrawn at most this often while a run trains: drawing must never slow the sweep. */
const VIEW_INTERVAL_MS = 250;
/** Loss points kept for the current run's chart; a longer run keeps every other point of its older half. */
const MAX_POINTS = 2000;

export interface SweepState {
  readonly status: SweepStatus;
  readonly message?: string;
  /** The sweep's folder (its results.json), when there is one. */
  readonly outDir?: string;
  readonly results: SweepResults | null;
  readonly current?: CurrentRunView;
}

export class SweepRuns implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<SweepState>();
  /** Fires (throttled while a run trains) when the state changes. */
  readonly onDidChange = this.changed.event;
  private job: SweepJob | undefined;
  private state: SweepState = { status: 'idle', results: null };
  private planned = 0;
  private viewTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly workerScript: string,
  ) {
    this.restoreLast();
  }

  get current(): SweepState {
    return this.state;
  }

  get isRunning(): boolean {
    return this.job !== undefined;
  }

  /** Where new sweeps go: <the training runs folder setting, or global storage>/sweeps. */
  nextSweepFolder(): string {
    const configured = vscode.workspace.getConfiguration('llmPipeline.training').get<string>('runsFolder', '').trim();
    const root = configured || path.join(this.context.globalStorageUri.fsPath, 'runs');
    return path.join(root, 'sweeps', `sweep-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  }

  /** Plans and trains the sweep in the worker; a budget or data that cannot make a fit fails there, with the figures. */
  start(options: SweepOptions): void {
    this.refuseIfRunning();
    void this.context.globalState.update(LAST_SWEEP_KEY, options.outDir);
    this.planned = 0;
    this.launch(startSweepJob({ options }, this.jobOptions()), options.outDir, null);
  }

  /** "Train it and check": trains the size the last sweep's fit predicted, with the same recipe. */
  check(): void {
    this.refuseIfRunning();
    const { outDir, results } = this.state;
    if (!outDir || !results?.prediction) throw new Error(vscode.l10n.t('There is no prediction of a sweep of yours to check yet: run a sweep first.'));
    this.launch(startSweepJob({ checkOutDir: outDir }, this.jobOptions()), outDir, results);
  }

  stop(): void {
    if (!this.job || this.state.status !== 'running') return;
    this.job.cancel();
    this.set({ ...this.state, status: 'stopping' }, true);
  }

  private refuseIfRunning(): void {
    if (this.job) throw new Error(vscode.l10n.t('A sweep is already running; stop it first.'));
  }

  private jobOptions() {
    return { workerScript: this.workerScript, onEvent: (event: TrainEvent) => this.onEvent(event) };
  }

  private launch(job: SweepJob, outDir: string, results: SweepResults | null): void {
    this.job = job;
    this.set({ status: 'running', outDir, results }, true);
    log().info(`scaling sweep: started in ${outDir}`);
    // A stopped sweep says so in its results; a stopped check leaves them without a checked point.
    const stopped = (done: SweepResults) => (results === null ? done.cancelled : done.check === null);
    job.finished.then(
      (done) => this.end(job, stopped(done) ? 'stopped' : 'finished', done, undefined),
      (error: Error) => this.end(job, 'failed', this.readSaved(outDir), error.message),
    );
  }

  private onEvent(event: TrainEvent): void {
    if (event.type === 'sweep-planned') {
      this.planned = event.plan.runs.length;
    } else if (event.type === 'sweep-run-started') {
      const { run } = event;
      // The run before this one has just been written to results.json: the plot gains its point.
      const results = event.index > 0 && !event.check ? this.readSaved(this.state.outDir) ?? this.state.results : this.state.results;
      const current: CurrentRunView = {
        index: event.index, planned: this.planned, name: run.name, nonEmbeddingParameters: run.nonEmbeddingParameters, check: event.check,
        step: 0, totalSteps: run.steps, loss: [], validation: [],
      };
      this.set({ ...this.state, results, current }, true);
    } else if (event.type === 'sweep-train' && event.event.type === 'progress' && this.state.current) {
      const p = event.event;
      const c = this.state.current;
      const loss = thin([...c.loss, [p.step, p.loss] as const]);
      const validation = p.validationLoss === undefined ? c.validation : [...c.validation, [p.step, p.validationLoss] as const];
      this.set({ ...this.state, current: { ...c, step: p.step, totalSteps: p.totalSteps, loss, validation } }, false);
    }
  }

  private end(job: SweepJob, status: SweepStatus, results: SweepResults | null, error: string | undefined): void {
    if (this.job !== job) return;
    this.job = undefined;
    const message = error ?? (status === 'stopped' ? this.stoppedMessage(results) : undefined);
    log().info(`scaling sweep: ${status}${message ? ` (${message})` : ''}`);
    this.set({ status, message, outDir: this.state.outDir, results: results ?? this.state.results }, true);
  }

  private stoppedMessage(results: SweepResults | null): string {
    if (results && !results.cancelled) return vscode.l10n.t('Train it and check was stopped; the sweep’s results are as they were.');
    return vscode.l10n.t('Stopped: {0} of the planned sizes finished; they are kept in results.json.', results?.runs.length ?? 0);
  }

  /** The sweep's results.json as last written, or null when there is none (yet) or it cannot be read. */
  private readSaved(outDir: string | undefined): SweepResults | null {
    if (!outDir || !fs.existsSync(path.join(outDir, RESULTS_FILE))) return null;
    try {
      return readResults(outDir);
    } catch (error) {
      log().warn(`scaling sweep: ${(error as Error).message}`);
      return null;
    }
  }

  /** The last window's sweep, as its results.json left it. */
  private restoreLast(): void {
    const outDir = this.context.globalState.get<string>(LAST_SWEEP_KEY);
    const results = this.readSaved(outDir);
    if (outDir && results) this.state = { status: results.cancelled ? 'stopped' : 'finished', outDir, results };
  }

  /** Sends the state now (status changes) or at most every VIEW_INTERVAL_MS (progress). */
  private set(state: SweepState, now: boolean): void {
    this.state = state;
    if (now) {
      clearTimeout(this.viewTimer);
      this.viewTimer = undefined;
      this.changed.fire(this.state);
    } else {
      this.viewTimer ??= setTimeout(() => {
        this.viewTimer = undefined;
        this.changed.fire(this.state);
      }, VIEW_INTERVAL_MS);
    }
  }

  /** Window closing: the sweep stops after its current step (its finished runs are already on disk). */
  shutdown(): void {
    this.job?.cancel();
  }

  dispose(): void {
    clearTimeout(this.viewTimer);
    this.changed.dispose();
  }
}

/** Halves the older half of the points until at most MAX_POINTS remain. */
function thin<T>(points: T[]): T[] {
  let kept = points;
  while (kept.length > MAX_POINTS) {
    const half = kept.length >> 1;
    kept = [...kept.slice(0, half).filter((_, i) => i % 2 === 0), ...kept.slice(half)];
  }
  return kept;
}
