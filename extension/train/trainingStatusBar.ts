// While a run trains and its panel is hidden, the status bar shows the step and the loss; a click
// opens the panel.
import * as vscode from 'vscode';
import type { RunView } from '../../webviews/training/protocol';

export class TrainingStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('llmPipeline.training', vscode.StatusBarAlignment.Left, 50);
  private run: RunView | null = null;
  private panelVisible = false;

  constructor() {
    this.item.name = vscode.l10n.t('LLM Pipeline: Training');
    this.item.command = 'llmPipeline.trainModel';
  }

  /** The run changed. */
  showRun(run: RunView | null): void {
    this.run = run;
    this.update();
  }

  /** The training panel was shown, hidden or closed. */
  setPanelVisible(visible: boolean): void {
    this.panelVisible = visible;
    this.update();
  }

  private update(): void {
    const { run, panelVisible } = this;
    const training = run && (run.status === 'running' || run.status === 'starting' || run.status === 'pausing' || run.status === 'stopping');
    if (!run || !training || panelVisible) {
      this.item.hide();
      return;
    }
    const loss = run.points.at(-1)?.loss;
    this.item.text = loss === undefined
      ? vscode.l10n.t('$(loading~spin) Training: starting')
      : vscode.l10n.t('$(loading~spin) Training step {0}/{1} · loss {2}', run.step, run.totalSteps, loss.toFixed(3));
    this.item.tooltip = vscode.l10n.t('A model is training on {0}. Click to open the training panel.', run.data);
    this.item.accessibilityInformation = { label: this.item.text.replace(/\$\([^)]*\)\s*/, '') };
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
