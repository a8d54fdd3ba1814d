// The host-side controller of the Plot Forgetting panel (Step 8, continual learning). A run
// fine-tunes the active model on new-domain text in the training worker, once without replay and
// once with the replay ratio the user set (engine/continualLearning/forgetting.ts), and posts the
// curves point by point; the finished (or cancelled) run is saved and shown again next time. With
// no run of the user's own, the panel shows the shipped result and says so.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ForgettingEvent, ForgettingOptions } from '../engine/continualLearning/forgetting';
import { readModelFolder } from '../engine/modelFolder/readModelFolder';
import { startForgettingJob } from '../engine/train/efficiencyJobs';
import type { ActiveModel } from '../model/activeModel';
import { PanelController, type PanelContent } from '../panels/panelController';
import type { PanelKit } from '../panels/panelKit';
import { SAMPLE_DATA_PATH } from '../train/dataSource';
import type { OwnRequest } from '../../webviews/shared/protocol';
import {
  FORGETTING_VIEW_TYPE,
  isForgettingRequest,
  type CurveView,
  type ForgettingNotification,
  type ForgettingPanelState,
  type ForgettingRequest,
  type ForgettingSettings,
  type ForgettingView,
} from '../../webviews/forgetting/protocol';
import { readForgettingResult, resultView, SHIPPED_RESULT_PATH, writeForgettingResult, type ForgettingResultFile } from './forgettingResult';
import { forgettingWebviewStrings } from './webviewStrings';

export interface ForgettingPanelDeps {
  readonly extensionUri: vscode.Uri;
  readonly storage: vscode.Uri;
  readonly model: ActiveModel;
}

/** The new domain and the old domain's held-out text, as the shipped result used them (in a clone). */
const NEW_DATA_PATH = ['corpus', 'tinyshakespeare', 'input.txt'] as const;
const OLD_VALIDATION_PATH = ['corpus', 'tinystories', 'valid.txt'] as const;

/** What code (tests) may set on a run besides the panel's fields. */
export interface ForgettingRunExtras {
  readonly evalEvery?: number;
  readonly validationBatches?: number;
  readonly batchSize?: number;
}

export type ForgettingPanels = PanelController<ForgettingRequest, ForgettingNotification, ForgettingPanel>;

export function forgettingPanels(deps: ForgettingPanelDeps): ForgettingPanels {
  return new PanelController(
    {
      viewType: FORGETTING_VIEW_TYPE,
      title: () => vscode.l10n.t('Plot Forgetting'),
      script: 'forgetting',
      isRequest: isForgettingRequest,
      strings: forgettingWebviewStrings,
      create: (kit) => new ForgettingPanel(kit, deps),
    },
    deps.extensionUri,
  );
}

export class ForgettingPanel implements PanelContent<ForgettingRequest>, vscode.Disposable {
  private newData: string | undefined;
  private oldValidation: string | undefined;
  private readonly replayData: string;
  /** The run in progress, drawn again when the webview is shown anew. */
  private live: ForgettingView | undefined;
  private readonly listener: vscode.Disposable;

  constructor(
    private readonly kit: PanelKit<ForgettingNotification>,
    private readonly deps: ForgettingPanelDeps,
  ) {
    const shipped = (parts: readonly string[]) => {
      const file = vscode.Uri.joinPath(deps.extensionUri, ...parts).fsPath;
      return fs.existsSync(file) ? file : undefined;
    };
    this.newData = shipped(NEW_DATA_PATH);
    this.oldValidation = shipped(OLD_VALIDATION_PATH);
    this.replayData = vscode.Uri.joinPath(deps.extensionUri, ...SAMPLE_DATA_PATH).fsPath;
    this.listener = deps.model.onDidChange(() => void this.postSetup());
  }

  dispose(): void {
    this.listener.dispose();
  }

  private get savedFile(): string {
    return vscode.Uri.joinPath(this.deps.storage, 'forgetting', 'result.json').fsPath;
  }

  async ready(_state: ForgettingPanelState | undefined): Promise<void> {
    await this.postSetup();
    if (this.live) {
      await this.kit.post({ type: 'curves', payload: this.live });
      return;
    }
    const saved = fs.existsSync(this.savedFile);
    const file = saved ? this.savedFile : vscode.Uri.joinPath(this.deps.extensionUri, ...SHIPPED_RESULT_PATH).fsPath;
    try {
      await this.kit.post({ type: 'curves', payload: resultView(readForgettingResult(file), saved ? 'saved' : 'shipped') });
    } catch (error) {
      await this.kit.showError(error);
    }
  }

  handle(request: OwnRequest<ForgettingRequest>): Promise<void> | void {
    switch (request.type) {
      case 'run':
        return void this.run(request.payload);
      case 'chooseNewData':
        return this.choose('new');
      case 'chooseOldValidation':
        return this.choose('old');
      case 'cancel':
        return this.kit.tasks.cancelRunning();
    }
  }

  /** Uses these texts from now on (the pickers, and tests). */
  async useFiles(files: { readonly newData?: string; readonly oldValidation?: string }): Promise<void> {
    for (const file of [files.newData, files.oldValidation]) {
      if (file !== undefined && !fs.statSync(file, { throwIfNoEntry: false })?.isFile()) throw new Error(vscode.l10n.t('{0}: no such file', file));
    }
    this.newData = files.newData ?? this.newData;
    this.oldValidation = files.oldValidation ?? this.oldValidation;
    await this.postSetup();
  }

  /** Fine-tunes the active model without and with replay, in the worker; resolves with the saved result. */
  run(settings: ForgettingSettings, extras: ForgettingRunExtras = {}): Promise<ForgettingResultFile | undefined> {
    return this.kit.tasks.replace(async (signal) => {
      const model = this.deps.model.folder;
      if (!model) throw new Error(vscode.l10n.t('There is no model to fine-tune: choose a model folder first.'));
      const config = readModelFolder(model).gpt2?.gpt;
      if (!config) throw new Error(vscode.l10n.t('{0}: only GPT-2 model folders can be fine-tuned here.', model));
      if (!this.newData) throw new Error(vscode.l10n.t('Choose the new-domain text first: Tiny Shakespeare is not in this installation.'));
      if (!this.oldValidation) throw new Error(vscode.l10n.t('Choose held-out old-domain text first: TinyStories\' validation text is not in this installation.'));
      const options: ForgettingOptions = {
        baseModel: model, newData: this.newData, replayData: this.replayData, oldValidation: this.oldValidation,
        replayRatios: settings.replayRatio > 0 ? [0, settings.replayRatio] : [0],
        steps: settings.steps, batchSize: extras.batchSize ?? 8, contextLength: Math.min(128, config.n_positions), learningRate: 1e-3,
        evalEvery: extras.evalEvery ?? Math.max(1, Math.round(settings.steps / 10)), validationBatches: extras.validationBatches ?? 8,
        workDir: vscode.Uri.joinPath(this.deps.storage, 'forgetting').fsPath,
      };
      const curves = new Map<number, CurveView['points'][number][]>(options.replayRatios.map((r) => [r, []]));
      const view = (cancelled: boolean): ForgettingView => ({
        source: 'live', model: path.basename(model), newData: path.basename(options.newData), oldValidation: path.basename(options.oldValidation),
        steps: options.steps, cancelled, curves: [...curves].map(([replayRatio, points]) => ({ replayRatio, points })),
      });
      const onForgetting = (event: ForgettingEvent) => {
        if (event.type !== 'forgetting-point') return;
        curves.get(event.replayRatio)?.push(event.point);
        this.live = view(false);
        void this.kit.post({ type: 'curves', payload: this.live });
      };
      await this.kit.busy({ task: 'forgetting', message: vscode.l10n.t('Fine-tuning on {0}…', path.basename(options.newData)) });
      try {
        const total = options.steps * options.replayRatios.length;
        const done = await this.kit.progress(
          vscode.l10n.t('Measuring forgetting of {0}', path.basename(model)),
          (report) => {
            const job = startForgettingJob(options, {
              workerScript: vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'trainWorker.js').fsPath,
              onForgetting: (event) => {
                onForgetting(event);
                if (event.type === 'forgetting-point') report(options.replayRatios.indexOf(event.replayRatio) * options.steps + event.point.step, total);
              },
            });
            signal.addEventListener('abort', () => job.cancel());
            return job.finished;
          },
          () => this.kit.tasks.cancelRunning(),
        );
        const result: ForgettingResultFile = {
          model, new_data: options.newData, replay_data: options.replayData, old_validation: options.oldValidation, steps: options.steps,
          cancelled: done.cancelled, curves: view(done.cancelled).curves.filter((c) => c.points.length > 0),
        };
        writeForgettingResult(this.savedFile, result);
        await this.kit.post({ type: 'curves', payload: resultView(result, 'saved') });
        return result;
      } finally {
        this.live = undefined;
        await this.kit.busy(null);
      }
    });
  }

  private async choose(which: 'new' | 'old'): Promise<void> {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      openLabel: which === 'new' ? vscode.l10n.t('Fine-Tune on This Text') : vscode.l10n.t('Measure the Old Domain on This Text'),
      filters: { [vscode.l10n.t('Text')]: ['txt', 'md'] },
    });
    if (picked?.[0]) await this.useFiles(which === 'new' ? { newData: picked[0].fsPath } : { oldValidation: picked[0].fsPath });
  }

  private postSetup(): Thenable<boolean> {
    const model = this.deps.model.folder;
    const name = (file: string | undefined) => (file ? path.basename(file) : '');
    return this.kit.post({
      type: 'setup',
      payload: { model: model ? path.basename(model) : '', newData: name(this.newData), replayData: name(this.replayData), oldValidation: name(this.oldValidation) },
    });
  }
}
