// The extension's training runs: at most one trains at a time, in the training worker process
// (never on the extension host's thread). This service starts, pauses, stops and resumes it,
// keeps what the panel draws (RunViewBuilder), writes run.json and the model card, and brings the
// last run back after a window reload, so a paused, stopped or crashed run resumes from its last
// checkpoint. Closing the panel does not stop training; closing the window does, after a checkpoint.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { resolveFolder } from '../engine/train/atomicFolder';
import { readTrainingState } from '../engine/train/checkpoint';
import { compareInWorker, estimateInWorker, exportPyTorchInWorker, previewDataInWorker, startTrainingJob, type TrainingJob } from '../engine/train/host';
import type { DataPreview } from '../engine/train/instruct/dataPreview';
import type { PyTorchExport } from '../engine/pytorchExport/exportRun';
import type { CompareRequest, ComparedText } from '../engine/train/compareModels';
import type { TrainingEstimate } from '../engine/train/estimate';
import type { TrainOptions } from '../engine/train/options';
import type { TrainEvent } from '../engine/train/protocol';
import { freeRunFolder, readRunRecord, writeRunCard, writeRunRecord, type RunRecord, type RunState } from '../engine/train/runRecord';
import { bestFolder, lastFolder } from '../engine/train/runFolders';
import { log } from '../log';
import { backendName } from '../model/runtimeBackend';
import type { RunStatus, RunView } from '../../webviews/training/protocol';
import { RunViewBuilder } from './runView';

const LAST_RUN_KEY = 'llmPipeline.training.lastRun';
/** The panel is redrawn at most this often while training: drawing must never slow the run. */
const VIEW_INTERVAL_MS = 250;
/** How long closing the window waits for the run's checkpoint. */
const SHUTDOWN_WAIT_MS = 4000;

interface Active {
  readonly job: TrainingJob;
  /** What the user asked for when the job ends cancelled. */
  intent: 'pause' | 'stop' | undefined;
}

export class TrainingRuns implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunView | null>();
  /** Fires (throttled) when the run's view changes. */
  readonly onDidChange = this.changed.event;
  private builder: RunViewBuilder | undefined;
  private record: RunRecord | undefined;
  private active: Active | undefined;
  private viewTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly workerScript: string,
  ) {
    this.restoreLastRun();
  }

  /** Where new runs go: the setting, or the extension's global storage. */
  get runsRoot(): string {
    const configured = vscode.workspace.getConfiguration('llmPipeline.training').get<string>('runsFolder', '').trim();
    return configured || path.join(this.context.globalStorageUri.fsPath, 'runs');
  }

  get view(): RunView | null {
    return this.builder?.view() ?? null;
  }

  get isTraining(): boolean {
    return this.active !== undefined;
  }

  /** The training worker's process id while a run trains. */
  get workerPid(): number | undefined {
    return this.active?.job.pid;
  }

  /** The folder of a checkpoint of the current run, if it was written. */
  checkpointFolder(which: 'last' | 'best'): string | undefined {
    return this.record ? resolveFolder((which === 'last' ? lastFolder : bestFolder)(this.record.options.outDir)) : undefined;
  }

  get baseModel(): string | undefined {
    return this.record?.baseModel;
  }

  /** Where estimates run: their token cache (and learned tokenizer) serves the next estimate. */
  get estimateFolder(): string {
    return path.join(this.runsRoot, '.estimate');
  }

  estimate(options: TrainOptions): Promise<TrainingEstimate> {
    return estimateInWorker(options, { workerScript: this.workerScript });
  }

  /** SFT or DPO data as the run `options` describes will read it. */
  previewData(options: TrainOptions): Promise<DataPreview> {
    return previewDataInWorker(options, { workerScript: this.workerScript });
  }

  compare(request: CompareRequest): Promise<readonly ComparedText[]> {
    return compareInWorker(request, { workerScript: this.workerScript });
  }

  /** The settings of the current (or last restored) run. */
  get options(): TrainOptions | undefined {
    return this.record?.options;
  }

  /** Writes the run `options` describes as a PyTorch script folder `dir`, in the worker. */
  exportToPyTorch(options: TrainOptions, dir: string): Promise<PyTorchExport> {
    return exportPyTorchInWorker(options, dir, { workerScript: this.workerScript });
  }

  /** Where a run on data called `dataLabel` started now goes (created when it starts). */
  nextRunFolder(dataLabel: string): string {
    return freeRunFolder(this.runsRoot, dataLabel);
  }

  start(options: TrainOptions, dataLabel: string, baseModel: string | undefined): void {
    if (this.active) throw new Error(vscode.l10n.t('A run is already training; pause or stop it first.'));
    this.record = { format: 'llm-pipeline-lab/training-run', created: new Date().toISOString(), dataLabel, options, baseModel, state: 'running' };
    this.builder = new RunViewBuilder(options.outDir, dataLabel, options, 'starting');
    void this.context.globalState.update(LAST_RUN_KEY, options.outDir);
    this.launch(options);
  }

  /** Continues the current run from its last checkpoint. */
  resume(): void {
    if (this.active || !this.record || !this.builder) return;
    if (!this.checkpointFolder('last')) throw new Error(vscode.l10n.t('This run has no checkpoint to resume from yet; start it again.'));
    this.builder.status = 'starting';
    this.builder.message = undefined;
    this.launch({ ...this.record.options, resume: true });
  }

  pause(): void {
    this.cancel('pause', 'pausing');
  }

  stop(): void {
    this.cancel('stop', 'stopping');
  }

  private cancel(intent: 'pause' | 'stop', status: RunStatus): void {
    if (!this.active || !this.builder) return;
    this.active.intent = intent;
    this.builder.status = status;
    this.active.job.cancel();
    this.publish(true);
  }

  private launch(options: TrainOptions): void {
    const builder = this.builder as RunViewBuilder;
    this.setState('running');
    const job = startTrainingJob(options, { workerScript: this.workerScript, onEvent: (event) => this.onEvent(builder, event) });
    const active: Active = { job, intent: undefined };
    this.active = active;
    log().info(`training: ${options.resume ? 'resumed' : 'started'} in ${options.outDir} (worker pid ${job.pid})`);
    this.publish(true);
    job.finished.then(
      (done) => {
        const state: RunState = !done.cancelled ? 'finished' : active.intent === 'pause' ? 'paused' : 'stopped';
        this.end(active, state, state === 'finished' ? undefined : vscode.l10n.t('Stopped after step {0}; the checkpoint there can be resumed.', done.step));
      },
      (error: Error) => {
        const resumable = this.checkpointFolder('last') ? vscode.l10n.t(' Resume continues from the last checkpoint.') : '';
        this.end(active, 'failed', `${error.message}.${resumable}`);
      },
    );
  }

  private onEvent(builder: RunViewBuilder, event: TrainEvent): void {
    if (builder !== this.builder) return;
    builder.apply(event);
    if (event.type === 'started' && builder.status === 'starting') builder.status = 'running';
    if (event.type === 'started' && event.backend) log().info(`training: ONNX Runtime backend ${backendName(event.backend)}`);
    this.publish(event.type !== 'progress');
  }

  private end(active: Active, state: RunState, message: string | undefined): void {
    if (this.active !== active) return;
    this.active = undefined;
    if (this.builder) {
      this.builder.status = state;
      this.builder.message = message;
    }
    this.setState(state, message);
    if (this.record) {
      try {
        writeRunCard(this.record.options.outDir, this.record);
      } catch (error) {
        log().warn(`training: could not write the model card: ${(error as Error).message}`);
      }
    }
    log().info(`training: ${state}${message ? ` (${message})` : ''}`);
    if (state === 'failed') void vscode.window.showErrorMessage(vscode.l10n.t('Training failed: {0}', message ?? ''));
    this.publish(true);
  }

  private setState(state: RunState, message?: string): void {
    if (!this.record) return;
    this.record = { ...this.record, state, message };
    writeRunRecord(this.record.options.outDir, this.record);
  }

  /** Sends the view now (status changes) or at most every VIEW_INTERVAL_MS (progress). */
  private publish(now: boolean): void {
    if (now) {
      clearTimeout(this.viewTimer);
      this.viewTimer = undefined;
      this.changed.fire(this.view);
    } else {
      this.viewTimer ??= setTimeout(() => {
        this.viewTimer = undefined;
        this.changed.fire(this.view);
      }, VIEW_INTERVAL_MS);
    }
  }

  /** The run of the last window, as its run.json and last checkpoint left it. */
  private restoreLastRun(): void {
    const folder = this.context.globalState.get<string>(LAST_RUN_KEY);
    const record = folder ? readRunRecord(folder) : undefined;
    if (!folder || !record) return;
    // A run that still says "running" ended with the window or a crash, without a clean stop.
    const state: RunStatus = record.state === 'running' ? 'stopped' : record.state;
    const message = record.state === 'running' ? vscode.l10n.t('The window closed while this run trained; Resume continues from its last checkpoint.') : record.message;
    this.record = { ...record, state: state as RunState };
    this.builder = new RunViewBuilder(folder, record.dataLabel, record.options, state, message);
    try {
      for (const which of ['last', 'best'] as const) {
        const checkpoint = this.checkpointFolder(which);
        if (!checkpoint) continue;
        const saved = readTrainingState(checkpoint).state;
        if (which === 'last') this.builder.restoreHistory(saved.history, saved.totalSteps);
        this.builder.noteCheckpoint(which, checkpoint, saved.step, which === 'best' ? saved.bestValidationLoss : undefined);
      }
    } catch (error) {
      log().warn(`training: the last run's checkpoint in ${folder} could not be read: ${(error as Error).message}`);
    }
  }

  /** Window closing: ask the run to stop after its current step and wait (briefly) for its checkpoint. */
  async shutdown(): Promise<void> {
    const active = this.active;
    if (!active) return;
    active.intent = 'stop';
    active.job.cancel();
    await Promise.race([active.job.finished.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, SHUTDOWN_WAIT_MS))]);
  }

  dispose(): void {
    clearTimeout(this.viewTimer);
    this.changed.dispose();
  }
}
