// The host-side controller of the Speculative Decoding panel (Step 8). The target is the active
// model; the draft is a folder the user picks or a 1-layer model this panel trains in the training
// worker. Decoding runs in the training worker too (engine/generate/speculativeRun.ts): it opens
// both models, times the target's greedy decoding and speculative decoding in the same run, and
// checks the two outputs are equal.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { draftTrainOptions, DRAFT_STEPS } from '../engine/generate/draftModel';
import type { SpeculativeReport } from '../engine/generate/speculativeRun';
import { readModelFolder } from '../engine/modelFolder/readModelFolder';
import { speculativeInWorker } from '../engine/train/efficiencyJobs';
import { startTrainingJob } from '../engine/train/host';
import type { ActiveModel } from '../model/activeModel';
import { requireTrustedLocation } from '../trust/workspaceTrust';
import { PanelController, type PanelContent } from '../panels/panelController';
import type { PanelKit } from '../panels/panelKit';
import { SAMPLE_DATA_PATH } from '../train/dataSource';
import type { OwnRequest } from '../../webviews/shared/protocol';
import {
  SPECULATIVE_VIEW_TYPE,
  isSpeculativeRequest,
  type SpeculativeNotification,
  type SpeculativePanelState,
  type SpeculativeRequest,
  type SpeculativeSettings,
  type SpeculativeSetup,
} from '../../webviews/speculative/protocol';
import { speculativeWebviewStrings } from './webviewStrings';

export interface SpeculativePanelDeps {
  readonly extensionUri: vscode.Uri;
  readonly storage: vscode.Uri;
  /** Remembers the draft across sessions. */
  readonly memento: vscode.Memento;
  readonly model: ActiveModel;
}

const DRAFT_KEY = 'llmPipeline.speculative.draft';
type SavedDraft = { readonly folder: string; readonly origin: 'chosen' | 'trained' };

export type SpeculativePanels = PanelController<SpeculativeRequest, SpeculativeNotification, SpeculativePanel>;

export function speculativePanels(deps: SpeculativePanelDeps): SpeculativePanels {
  return new PanelController(
    {
      viewType: SPECULATIVE_VIEW_TYPE,
      title: () => vscode.l10n.t('Speculative Decoding'),
      script: 'speculative',
      isRequest: isSpeculativeRequest,
      strings: speculativeWebviewStrings,
      create: (kit) => new SpeculativePanel(kit, deps),
    },
    deps.extensionUri,
  );
}

export class SpeculativePanel implements PanelContent<SpeculativeRequest>, vscode.Disposable {
  private readonly listener: vscode.Disposable;
  private readonly workerScript: string;

  constructor(
    private readonly kit: PanelKit<SpeculativeNotification>,
    private readonly deps: SpeculativePanelDeps,
  ) {
    this.workerScript = vscode.Uri.joinPath(deps.extensionUri, 'dist', 'trainWorker.js').fsPath;
    this.listener = deps.model.onDidChange(() => void this.postSetup());
  }

  dispose(): void {
    this.listener.dispose();
  }

  async ready(_state: SpeculativePanelState | undefined): Promise<void> {
    await this.postSetup();
  }

  handle(request: OwnRequest<SpeculativeRequest>): Promise<void> | void {
    switch (request.type) {
      case 'run':
        return void this.decode(request.payload);
      case 'chooseDraft':
        return this.chooseDraft();
      case 'trainDraft':
        return void this.trainDraft();
      case 'cancel':
        return this.kit.tasks.cancelRunning();
    }
  }

  /** The draft in use, when its folder still holds a model. */
  private get draft(): SavedDraft | undefined {
    const saved = this.deps.memento.get<SavedDraft>(DRAFT_KEY);
    return saved && fs.existsSync(path.join(saved.folder, 'config.json')) ? saved : undefined;
  }

  /** Decodes `settings.prompt` with the draft and the active model, in the worker; posts and returns the report. */
  decode(settings: SpeculativeSettings): Promise<SpeculativeReport | undefined> {
    return this.kit.tasks.replace(async (signal) => {
      const target = this.targetFolder();
      const draft = this.draft;
      if (!draft) throw new Error(vscode.l10n.t('There is no draft model: choose a draft model folder or train one first.'));
      requireTrustedLocation(draft.folder);
      await this.kit.busy({ task: 'decode', message: vscode.l10n.t('Decoding greedily, then speculatively…') });
      try {
        const request = { draftFolder: draft.folder, targetFolder: target, prompt: settings.prompt, maxNewTokens: settings.maxNewTokens, draftTokens: settings.draftTokens };
        // The worker ends when the report is sent; a cancel leaves it to finish and drops its answer.
        const report = await speculativeInWorker(request, { workerScript: this.workerScript });
        if (signal.aborted) return undefined;
        await this.kit.post({
          type: 'result',
          payload: { ...report, target: path.basename(target), draft: path.basename(path.dirname(draft.folder)) + path.sep + path.basename(draft.folder), draftTokens: settings.draftTokens },
        });
        return report;
      } finally {
        await this.kit.busy(null);
      }
    });
  }

  /** Uses `folder` as the draft from now on (the picker, and tests). */
  async useDraft(folder: string, origin: SavedDraft['origin']): Promise<void> {
    if (!fs.existsSync(path.join(folder, 'config.json'))) throw new Error(vscode.l10n.t('{0}: not a model folder (no config.json)', folder));
    requireTrustedLocation(folder);
    await this.deps.memento.update(DRAFT_KEY, { folder, origin } satisfies SavedDraft);
    await this.postSetup();
  }

  private async chooseDraft(): Promise<void> {
    const picked = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: vscode.l10n.t('Use as Draft Model') });
    if (picked?.[0]) await this.useDraft(picked[0].fsPath, 'chosen').catch((error: Error) => this.kit.showError(error.message));
  }

  /** Trains a 1-layer draft with the target's tokenizer on the walkthrough sample, in the training worker. */
  trainDraft(): Promise<string | undefined> {
    return this.kit.tasks.replace(async (signal) => {
      const target = this.targetFolder();
      const config = readModelFolder(target).gpt2?.gpt;
      if (!config) throw new Error(vscode.l10n.t('{0}: a draft can be trained for GPT-2 model folders only; choose a draft folder instead.', target));
      const data = vscode.Uri.joinPath(this.deps.extensionUri, ...SAMPLE_DATA_PATH).fsPath;
      const outDir = vscode.Uri.joinPath(this.deps.storage, 'speculative-draft', path.basename(target)).fsPath;
      const options = draftTrainOptions(config, target, data, outDir);
      await this.kit.busy({ task: 'train', message: vscode.l10n.t('Training a 1-layer draft ({0} steps)…', DRAFT_STEPS) });
      try {
        const done = await this.kit.progress(
          vscode.l10n.t('Training a draft model for {0}', path.basename(target)),
          (report) => {
            const job = startTrainingJob(options, { workerScript: this.workerScript, onEvent: (e) => e.type === 'progress' && report(e.step, e.totalSteps) });
            signal.addEventListener('abort', () => job.cancel());
            return job.finished;
          },
          () => this.kit.tasks.cancelRunning(),
        );
        if (done.cancelled) return undefined;
        await this.useDraft(done.lastFolder, 'trained');
        return done.lastFolder;
      } finally {
        await this.kit.busy(null);
      }
    });
  }

  private targetFolder(): string {
    const folder = this.deps.model.folder;
    if (!folder) throw new Error(vscode.l10n.t('There is no target model: choose a model folder first.'));
    return folder;
  }

  private postSetup(): Thenable<boolean> {
    const target = this.deps.model.folder;
    const draft = this.draft;
    const setup: SpeculativeSetup = {
      target: target ? path.basename(target) : '',
      draft: draft ? path.basename(path.dirname(draft.folder)) + path.sep + path.basename(draft.folder) : '',
      draftOrigin: draft?.origin ?? 'none',
    };
    return this.kit.post({ type: 'setup', payload: setup });
  }
}
