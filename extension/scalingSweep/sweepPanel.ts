// The host-side controller of the Scaling Sweep panel (Step 8). It keeps the data source and
// answers the webview: choose data, start or stop a sweep, train the prediction and check it, and
// save results.json elsewhere. The sweep itself (SweepRuns) outlives the panel. With no sweep of
// the user's own, the panel shows the results shipped with the walkthrough, and says so.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeFileAtomic } from '../engine/modelFolder/atomicWrite';
import { readResults, RESULTS_FILE, type SweepResults } from '../engine/scalingSweep/sweepResults';
import { PanelController, type PanelContent } from '../panels/panelController';
import type { PanelKit } from '../panels/panelKit';
import type { TrainingRuns } from '../train/trainingRuns';
import { pathSource, sampleSource, type DataSource } from '../train/dataSource';
import type { OwnRequest } from '../../webviews/shared/protocol';
import {
  SCALING_SWEEP_VIEW_TYPE,
  isScalingSweepRequest,
  type ScalingSweepNotification,
  type ScalingSweepPanelState,
  type ScalingSweepRequest,
  type SweepSettings,
  type SweepView,
} from '../../webviews/scalingSweep/protocol';
import type { SweepRuns } from './sweepRuns';
import { scalingSweepWebviewStrings } from './webviewStrings';

export interface ScalingSweepDeps {
  readonly extensionUri: vscode.Uri;
  readonly sweeps: SweepRuns;
  /** A sweep and a training run would share two cores: one waits for the other. */
  readonly training: TrainingRuns;
  readonly workspaceState: vscode.Memento;
}

/** The sweep committed beside the walkthrough page (walkthroughs/ ships in the VSIX). */
export const SHIPPED_RESULTS_PATH = ['walkthroughs', 'scaling-sweep'] as const;

/**
 * Sized for the walkthrough sample (106,507 training bytes): widths 8, 12, 16 and 24 at 4
 * tokens per parameter cost 6.5e9 FLOPs, and the predicted width 32 needs 102,400 tokens, which
 * the sample still holds, so "Train it and check" works on it too.
 */
export const DEFAULT_SWEEP_SETTINGS: SweepSettings = { budgetFlops: 7e9, tokensPerParameter: 4 };

const DATA_KEY = 'llmPipeline.scalingSweep.data';

export type ScalingSweepPanels = PanelController<ScalingSweepRequest, ScalingSweepNotification, ScalingSweepPanel>;

export function scalingSweepPanels(deps: ScalingSweepDeps): ScalingSweepPanels {
  return new PanelController(
    {
      viewType: SCALING_SWEEP_VIEW_TYPE,
      title: () => vscode.l10n.t('Scaling Sweep'),
      script: 'scalingSweep',
      isRequest: isScalingSweepRequest,
      strings: scalingSweepWebviewStrings,
      create: (kit) => new ScalingSweepPanel(kit, deps),
    },
    deps.extensionUri,
  );
}

export class ScalingSweepPanel implements PanelContent<ScalingSweepRequest>, vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  /** The shipped results, read once (the panel is redrawn several times a second while a run trains). */
  private shipped: { readonly file: string; readonly results: SweepResults } | undefined;

  constructor(
    private readonly kit: PanelKit<ScalingSweepNotification>,
    private readonly deps: ScalingSweepDeps,
  ) {
    this.disposables.push(deps.sweeps.onDidChange(() => void this.postSweep()));
  }

  dispose(): void {
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }

  async ready(_state: ScalingSweepPanelState | undefined): Promise<void> {
    await this.postSetup();
    await this.postSweep();
  }

  /** Requests fail in the panel, where they were made (the kit logs them too). */
  async handle(request: OwnRequest<ScalingSweepRequest>): Promise<void> {
    try {
      await this.act(request);
    } catch (error) {
      await this.kit.showError(error);
    }
  }

  private async act(request: OwnRequest<ScalingSweepRequest>): Promise<void> {
    switch (request.type) {
      case 'chooseData':
        return this.chooseData(request.payload.kind);
      case 'start':
        return this.start(request.payload.settings);
      case 'stop':
        return this.deps.sweeps.stop();
      case 'check':
        this.refuseWhileTraining();
        return this.deps.sweeps.check();
      case 'saveResults':
        return this.saveResults();
    }
  }

  /** Starts a sweep of the chosen data into a new folder. */
  start(settings: SweepSettings): void {
    const data = this.data();
    if (!data) throw new Error(vscode.l10n.t('Choose the data of the sweep first: a text file or the walkthrough sample.'));
    this.refuseWhileTraining();
    this.deps.sweeps.start({ dataPath: data.path, outDir: this.deps.sweeps.nextSweepFolder(), budgetFlops: settings.budgetFlops, tokensPerParameter: settings.tokensPerParameter });
  }

  /** Makes `source` the data of the next sweep and shows it. */
  async setData(source: DataSource): Promise<void> {
    await this.deps.workspaceState.update(DATA_KEY, source);
    await this.postSetup();
  }

  private refuseWhileTraining(): void {
    if (this.deps.training.isTraining) throw new Error(vscode.l10n.t('A training run is using the training worker; pause or stop it in the training panel first.'));
  }

  private data(): DataSource | undefined {
    return this.deps.workspaceState.get<DataSource>(DATA_KEY);
  }

  private async chooseData(kind: 'file' | 'sample'): Promise<void> {
    if (kind === 'sample') return this.setData(sampleSource(this.deps.extensionUri));
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: true, canSelectFolders: false, canSelectMany: false,
      openLabel: vscode.l10n.t('Sweep on This'), title: vscode.l10n.t('A text file to run the scaling sweep on'),
    });
    if (picked?.[0]) await this.setData(pathSource(picked[0].fsPath));
  }

  private async postSetup(): Promise<void> {
    await this.kit.post({ type: 'setup', payload: { data: this.data()?.label, defaults: DEFAULT_SWEEP_SETTINGS } });
  }

  /** The user's sweep when there is one with results, else the shipped results with the sweep's status. */
  private view(): SweepView {
    const { status, message, outDir, results, current } = this.deps.sweeps.current;
    if (outDir && results) return { source: 'run', file: path.join(outDir, RESULTS_FILE), status, message, results, current };
    if (!this.shipped) {
      const folder = vscode.Uri.joinPath(this.deps.extensionUri, ...SHIPPED_RESULTS_PATH).fsPath;
      this.shipped = { file: path.join(folder, RESULTS_FILE), results: readResults(folder) };
    }
    return { source: 'shipped', ...this.shipped, status, message, current };
  }

  private async postSweep(): Promise<void> {
    try {
      await this.kit.post({ type: 'sweep', payload: this.view() });
    } catch (error) {
      await this.kit.showError(error);
    }
  }

  /** Copies the results.json shown to a file the user picks (written atomically). */
  private async saveResults(): Promise<void> {
    const source = this.view().file;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(folder, 'scaling-sweep-results.json'),
      filters: { JSON: ['json'] },
      saveLabel: vscode.l10n.t('Save'),
      title: vscode.l10n.t('Save the results of the scaling sweep'),
    });
    if (!target) return;
    const bytes = fs.readFileSync(source);
    if (target.scheme === 'file') writeFileAtomic(target.fsPath, bytes);
    else await vscode.workspace.fs.writeFile(target, bytes);
    void vscode.window.showInformationMessage(vscode.l10n.t('Saved {0}.', path.basename(target.path)));
  }
}
