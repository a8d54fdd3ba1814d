// The host-side controller of the Model Size Calculator (Step 8). It answers the webview's
// `calculate` with the engine's figures for the architecture the form names, and tells it about
// the presets and the active model.
import * as vscode from 'vscode';
import type { ActiveModel } from '../model/activeModel';
import { PanelController, type PanelContent } from '../panels/panelController';
import type { PanelKit } from '../panels/panelKit';
import { PRESETS } from '../engine/scaling/presets';
import type { OwnRequest } from '../../webviews/shared/protocol';
import { CALCULATOR_VIEW_TYPE, isCalculatorRequest, type CalculatorForm, type CalculatorNotification, type CalculatorPanelState, type CalculatorRequest } from '../../webviews/calculator/protocol';
import { calculate } from './sizesView';
import { calculatorWebviewStrings } from './webviewStrings';

export interface CalculatorDeps {
  readonly extensionUri: vscode.Uri;
  readonly model: ActiveModel;
}

export const DEFAULT_FORM: CalculatorForm = {
  source: 'bundled',
  preset: 'llama3-8b',
  typed: { modelType: 'llama', layers: 12, hidden: 768, heads: 12, kvHeads: 4, intermediate: 2048, vocab: 32000, context: 2048, tied: true },
  question: { context: 0, trainingTokens: 0, batch: 1, servingDtype: 'fp16', budget: 0 },
};

export type CalculatorPanels = PanelController<CalculatorRequest, CalculatorNotification, CalculatorPanel>;

export function calculatorPanels(deps: CalculatorDeps): CalculatorPanels {
  return new PanelController(
    {
      viewType: CALCULATOR_VIEW_TYPE,
      title: () => vscode.l10n.t('Model Size Calculator'),
      script: 'calculator',
      isRequest: isCalculatorRequest,
      strings: calculatorWebviewStrings,
      create: (kit) => new CalculatorPanel(kit, deps),
    },
    deps.extensionUri,
  );
}

export class CalculatorPanel implements PanelContent<CalculatorRequest>, vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly kit: PanelKit<CalculatorNotification>,
    private readonly deps: CalculatorDeps,
  ) {
    this.disposables.push(deps.model.onDidChange(() => void this.postSetup()));
  }

  dispose(): void {
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }

  async ready(_state: CalculatorPanelState | undefined): Promise<void> {
    await this.postSetup();
  }

  async handle(request: OwnRequest<CalculatorRequest>): Promise<void> {
    try {
      const { bundledFolder, folder } = this.deps.model;
      const sizes = calculate(request.payload.form, { bundled: bundledFolder, active: folder }, {
        bundled: vscode.l10n.t('the bundled model'),
        active: folder ? vscode.l10n.t('the active model ({0})', folder) : vscode.l10n.t('No active model folder: choose one with "LLM Pipeline: Choose Model Folder…".'),
        typed: vscode.l10n.t('the typed sizes'),
      });
      await this.kit.post({ type: 'sizes', payload: sizes });
    } catch (error) {
      await this.kit.showError(error);
    }
  }

  private async postSetup(): Promise<void> {
    const { bundledFolder, folder } = this.deps.model;
    await this.kit.post({
      type: 'setup',
      payload: {
        presets: PRESETS.map((p) => ({ id: p.id, label: p.label, source: p.source })),
        activeFolder: folder && folder !== bundledFolder ? folder : undefined,
        defaults: DEFAULT_FORM,
      },
    });
  }
}
