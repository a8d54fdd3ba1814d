// The host-side controller of the training panel (Step 4). It keeps the data source and answers
// the webview: estimate a run, start, pause, resume and stop it (through TrainingRuns, which runs
// the worker), make a checkpoint the active model, and compare a checkpoint with the model the run
// started from. The run itself outlives the panel: closing the panel does not stop training.

import * as os from 'node:os';
import * as vscode from 'vscode';
import { writeJsonAtomic } from '../engine/modelFolder/atomicWrite';
import { readModelFolder } from '../engine/modelFolder/readModelFolder';
import { byteTokenizerJson } from '../engine/train/byteTokenizer';
import { CHINCHILLA_TOKENS_PER_PARAMETER } from '../engine/scaling/chinchilla';
import { checkBeforeStart } from '../engine/train/memoryEstimate';
import type { TrainOptions } from '../engine/train/options';
import { PanelController, type PanelContent } from '../panels/panelController';
import type { PanelKit } from '../panels/panelKit';
import type { ActiveModel } from '../model/activeModel';
import type { OwnRequest } from '../../webviews/shared/protocol';
import {
  TRAINING_VIEW_TYPE,
  isTrainingRequest,
  type Objective,
  type TrainingNotification,
  type TrainingPanelState,
  type TrainingRequest,
  type TrainingSettings,
} from '../../webviews/training/protocol';
import { pathSource, sampleSource, type DataSource } from './dataSource';
import { instructSampleSource } from './instructSource';
import { byteTokenizerIn, DEFAULT_SETTINGS, OBJECTIVE_DEFAULTS, presetViews, trainOptionsFrom, type ActiveModelFacts } from './runOptions';
import type { TrainingRuns } from './trainingRuns';
import type { TrainingStatusBar } from './trainingStatusBar';
import { trainingWebviewStrings } from './webviewStrings';
import { architectureOf, maxContext } from '../engine/train/trainableConfig';

export interface TrainingPanelDeps {
  readonly extensionUri: vscode.Uri;
  readonly model: ActiveModel;
  readonly runs: TrainingRuns;
  readonly workspaceState: vscode.Memento;
  /** Shows the run's step while the panel is hidden. */
  readonly statusBar: TrainingStatusBar;
}

const DATA_KEY = 'llmPipeline.training.data';
/** Each objective keeps its own data: text for pretraining, conversations for SFT, pairs for DPO. */
const dataKey = (objective: Objective): string => (objective === 'text' ? DATA_KEY : `${DATA_KEY}.${objective}`);
/** Tokens of each "Compare with base" continuation. */
const COMPARE_TOKENS = 60;

export type TrainingPanels = PanelController<TrainingRequest, TrainingNotification, TrainingPanel>;

export function trainingPanels(deps: TrainingPanelDeps): TrainingPanels {
  return new PanelController(
    {
      viewType: TRAINING_VIEW_TYPE,
      title: () => vscode.l10n.t('Train a Model'),
      script: 'training',
      isRequest: isTrainingRequest,
      strings: trainingWebviewStrings,
      create: (kit) => new TrainingPanel(kit, deps),
    },
    deps.extensionUri,
  );
}

export class TrainingPanel implements PanelContent<TrainingRequest>, vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private settings: TrainingSettings = DEFAULT_SETTINGS;
  /**
   * Settings a command chose (LoRA, an objective), applied over the form the webview restores until
   * the webview sends them back: revealing the panel beside an editor can reload the webview, which
   * then restores the form it saved before the choice reached it.
   */
  private chosen: Partial<TrainingSettings> | undefined;
  private isReady = false;

  constructor(
    private readonly kit: PanelKit<TrainingNotification>,
    private readonly deps: TrainingPanelDeps,
  ) {
    deps.statusBar.setPanelVisible(kit.panel.visible);
    this.disposables.push(
      deps.runs.onDidChange((run) => void kit.post({ type: 'run', payload: run })),
      deps.model.onDidChange(() => void this.postSetup()),
      kit.panel.onDidChangeViewState(() => deps.statusBar.setPanelVisible(kit.panel.visible)),
      { dispose: () => deps.statusBar.setPanelVisible(false) },
    );
  }

  dispose(): void {
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }

  async ready(state: TrainingPanelState | undefined): Promise<void> {
    if (state) this.settings = { ...DEFAULT_SETTINGS, ...state.settings };
    this.isReady = true;
    await this.postSetup();
    if (this.chosen) await this.choose(this.chosen);
    await this.kit.post({ type: 'run', payload: this.deps.runs.view });
  }

  /** Sets part of the form (e.g. LoRA on the active model) and shows it, now or once the webview is ready. */
  async choose(settings: Partial<TrainingSettings>): Promise<void> {
    this.chosen = settings;
    if (!this.isReady) return;
    this.settings = { ...this.settings, ...settings };
    await this.kit.post({ type: 'settings', payload: this.settings });
  }

  /** Makes `source` the data of the next run of `objective` and shows it. */
  async setData(source: DataSource, objective: Objective = 'text'): Promise<void> {
    await this.deps.workspaceState.update(dataKey(objective), source);
    await this.postSetup();
  }

  /** The form as the webview sent it; a command's choice it shows is no longer pending. */
  private adopt(settings: TrainingSettings): void {
    this.settings = settings;
    const chosen = this.chosen;
    if (chosen && (Object.keys(chosen) as (keyof TrainingSettings)[]).every((k) => JSON.stringify(settings[k]) === JSON.stringify(chosen[k]))) this.chosen = undefined;
  }

  /** Requests fail in the panel, where they were made (the kit logs them too). */
  async handle(request: OwnRequest<TrainingRequest>): Promise<void> {
    try {
      await this.act(request);
    } catch (error) {
      await this.kit.showError(error);
    }
  }

  private async act(request: OwnRequest<TrainingRequest>): Promise<void> {
    switch (request.type) {
      case 'chooseData':
        return this.chooseData(request.payload.kind, request.payload.objective);
      case 'previewData':
        this.adopt(request.payload.settings);
        await this.kit.tasks.replace(() => this.previewData());
        return;
      case 'estimate':
        this.adopt(request.payload.settings);
        if (this.settings.objective === 'dpo') throw new Error(vscode.l10n.t('The estimate measures language-model runs; a DPO run reports its speed once it starts.'));
        await this.kit.tasks.replace(async () => {
          await this.kit.busy({ task: 'estimate', message: vscode.l10n.t('Reading the data and timing one step…') });
          try {
            const options = this.optionsFor(this.settings, this.deps.runs.estimateFolder);
            writeByteTokenizer(options);
            const e = await this.deps.runs.estimate(options);
            await this.kit.post({
              type: 'estimate',
              payload: { ...e, memoryBytes: e.memory.totalBytes, chinchillaTokensPerParameter: CHINCHILLA_TOKENS_PER_PARAMETER },
            });
          } finally {
            await this.kit.busy(null);
          }
        });
        return;
      case 'start':
        this.adopt(request.payload.settings);
        return this.start();
      case 'pause':
        return this.deps.runs.pause();
      case 'resume':
        return this.deps.runs.resume();
      case 'stop':
        return this.deps.runs.stop();
      case 'useCheckpoint':
        return this.useCheckpoint(request.payload.which);
      case 'compareWithBase':
        await this.kit.tasks.replace(() => this.compare(request.payload.which));
        return;
      case 'openRunFolder':
        return this.openModelCard();
      case 'exportPyTorch':
        await vscode.commands.executeCommand('llmPipeline.exportTrainingRunToPyTorch', this.deps.runs.view?.folder);
        return;
    }
  }

  /** Starts a run with the form's settings on the chosen data. */
  async start(settings?: TrainingSettings): Promise<void> {
    if (settings) this.settings = settings;
    const data = this.requiredData(this.settings.objective);
    const options = this.optionsFor(this.settings, this.deps.runs.nextRunFolder(data.label));
    // Refused here, with the figures, before a folder or a process is made.
    checkBeforeStart(options, os.totalmem());
    writeByteTokenizer(options);
    this.deps.runs.start(options, data.label, this.deps.model.folder);
  }

  private optionsFor(settings: TrainingSettings, outDir: string): TrainOptions {
    const data = this.requiredData(settings.objective);
    return trainOptionsFrom(settings, this.activeFacts(), { dataPath: data.path, validationPath: data.validationPath, outDir, byteTokenizerPath: byteTokenizerIn(outDir) });
  }

  private data(objective: Objective): DataSource | undefined {
    return this.deps.workspaceState.get<DataSource>(dataKey(objective));
  }

  private requiredData(objective: Objective): DataSource {
    const data = this.data(objective);
    if (data) return data;
    throw new Error(objective === 'text'
      ? vscode.l10n.t('Choose the data to train on first: a file, a folder, the selection or the sample.')
      : vscode.l10n.t('Choose the {0} data first: a JSONL file, or the shipped set.', objective.toUpperCase()));
  }

  /** The first SFT conversation with its loss mask, or the DPO pairs' count; the data's bad lines fail here, by number. */
  private async previewData(): Promise<void> {
    await this.kit.busy({ task: 'preview', message: vscode.l10n.t('Reading the data…') });
    try {
      const preview = await this.deps.runs.previewData(this.optionsFor(this.settings, this.deps.runs.estimateFolder));
      await this.kit.post({ type: 'dataPreview', payload: preview });
    } finally {
      await this.kit.busy(null);
    }
  }

  private activeFacts(): ActiveModelFacts {
    const folder = this.deps.model.folder;
    const read = folder ? readModelFolder(folder) : undefined;
    const config = read?.gpt2?.gpt ?? (read?.llamaWeights ? read.llama : undefined);
    if (!folder || !config) throw new Error(vscode.l10n.t('The active model is not a GPT-2 or Llama folder with safetensors weights that this panel can train; choose one with "LLM Pipeline: Choose Model Folder…".'));
    return { folder, config };
  }

  private async postSetup(): Promise<void> {
    const facts = this.activeFacts();
    const view = (objective: Objective) => {
      const data = this.data(objective);
      return data && { label: data.label, kind: data.kind };
    };
    await this.kit.post({
      type: 'setup',
      payload: {
        data: view('text'),
        instructData: { sft: view('sft'), dpo: view('dpo') },
        instructSamples: { sft: instructSampleSource(this.deps.extensionUri, 'sft') !== undefined, dpo: instructSampleSource(this.deps.extensionUri, 'dpo') !== undefined },
        objectiveDefaults: OBJECTIVE_DEFAULTS,
        activeModel: { label: this.deps.model.isBundledFolder(facts.folder) ? vscode.l10n.t('the bundled model') : facts.folder, folder: facts.folder, vocabSize: facts.config.vocab_size, nPositions: maxContext(facts.config), architecture: architectureOf(facts.config) },
        presets: presetViews(this.settings, facts),
        defaults: DEFAULT_SETTINGS,
      },
    });
  }

  private async chooseData(kind: 'file' | 'folder' | 'sample', objective: Objective): Promise<void> {
    if (objective !== 'text') return this.chooseInstructData(kind, objective);
    if (kind === 'sample') return this.setData(sampleSource(this.deps.extensionUri));
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: kind === 'file',
      canSelectFolders: kind === 'folder',
      canSelectMany: false,
      openLabel: vscode.l10n.t('Train on This'),
      title: kind === 'file' ? vscode.l10n.t('A text file to train on') : vscode.l10n.t('A folder of .txt and .md files to train on'),
    });
    if (picked?.[0]) await this.setData(pathSource(picked[0].fsPath));
  }

  /** SFT and DPO read one JSONL file: the one picked, or the shipped set with its held-out part. */
  private async chooseInstructData(kind: 'file' | 'folder' | 'sample', objective: 'sft' | 'dpo'): Promise<void> {
    if (kind === 'sample') {
      const sample = instructSampleSource(this.deps.extensionUri, objective);
      if (!sample) throw new Error(vscode.l10n.t('The shipped {0} set is not in this install (walkthroughs/instruct-sample/ is in the repository only); pick a JSONL file.', objective.toUpperCase()));
      return this.setData(sample, objective);
    }
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: true,
      canSelectFolders: false,
      canSelectMany: false,
      filters: { [vscode.l10n.t('JSON Lines')]: ['jsonl'] },
      openLabel: vscode.l10n.t('Train on This'),
      title: objective === 'sft' ? vscode.l10n.t('Conversations to fine-tune on: {"messages": [...]} per line') : vscode.l10n.t('Preference pairs: {"prompt", "chosen", "rejected"} per line'),
    });
    if (picked?.[0]) await this.setData(pathSource(picked[0].fsPath), objective);
  }

  private async useCheckpoint(which: 'last' | 'best'): Promise<void> {
    const folder = this.deps.runs.checkpointFolder(which);
    if (!folder) throw new Error(vscode.l10n.t('This run has no {0} checkpoint yet.', which));
    await this.deps.model.setFolder(folder);
    void vscode.window.showInformationMessage(vscode.l10n.t('The inspectors now use the {0} checkpoint of this run ({1}).', which, folder));
  }

  private async compare(which: 'last' | 'best'): Promise<void> {
    const checkpoint = this.deps.runs.checkpointFolder(which);
    const base = this.deps.runs.baseModel;
    if (!checkpoint || !base) throw new Error(vscode.l10n.t('This run has no {0} checkpoint yet.', which));
    await this.kit.busy({ task: 'compare', message: vscode.l10n.t('Continuing the prompt with both models…') });
    try {
      const request = { prompt: this.settings.samplePrompt, seed: this.settings.seed, maxTokens: COMPARE_TOKENS, temperature: 0.8, models: [
        { label: vscode.l10n.t('base: {0}', this.deps.model.isBundledFolder(base) ? vscode.l10n.t('the bundled model') : base), folder: base },
        { label: vscode.l10n.t("this run's {0} checkpoint", which), folder: checkpoint },
      ] };
      const columns = await this.deps.runs.compare(request);
      await this.kit.post({ type: 'comparison', payload: { prompt: request.prompt, seed: request.seed, columns } });
    } finally {
      await this.kit.busy(null);
    }
  }

  private async openModelCard(): Promise<void> {
    const view = this.deps.runs.view;
    if (!view) return;
    const card = vscode.Uri.joinPath(vscode.Uri.file(view.folder), 'README.md');
    try {
      await vscode.workspace.fs.stat(card);
      await vscode.commands.executeCommand('markdown.showPreview', card);
    } catch {
      await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(view.folder));
    }
  }
}

/** A run on bytes reads its 257-token tokenizer.json from the run folder: written before it starts. */
function writeByteTokenizer(options: TrainOptions): void {
  if (options.tokenizerPath === byteTokenizerIn(options.outDir)) writeJsonAtomic(options.tokenizerPath, byteTokenizerJson());
}
