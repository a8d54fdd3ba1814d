// Step 4 (training) in the editor: "Train a Model" (palette, on the selection when there is one),
// "Train on This" (Explorer context menu on a file or folder; on a .jsonl file of conversations or
// preference pairs it chooses SFT or DPO), the panel's serializer and the status-bar item. Training runs in
// the training worker process; closing the window stops it after a checkpoint (deactivate).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activeModel } from '../model/activeModel';
import { log } from '../log';
import { pathSource, sampleSource, selectionSource } from './dataSource';
import { exportTrainingRun } from './exportPyTorch';
import { jsonlObjective } from './instructSource';
import { OBJECTIVE_DEFAULTS } from './runOptions';
import { trainingPanels, type TrainingPanels } from './trainingPanel';
import { TrainingRuns } from './trainingRuns';
import { TrainingStatusBar } from './trainingStatusBar';

/** What the integration tests read of training. */
export interface TrainingTestApi {
  readonly runs: TrainingRuns;
}

let runs: TrainingRuns | undefined;

export function registerTraining(context: vscode.ExtensionContext): TrainingTestApi {
  const model = activeModel(context);
  runs = new TrainingRuns(context, context.asAbsolutePath(path.join('dist', 'trainWorker.js')));
  const trainingRuns = runs;
  const statusBar = new TrainingStatusBar();
  const panels = trainingPanels({ extensionUri: context.extensionUri, model, runs: trainingRuns, workspaceState: context.workspaceState, statusBar });
  context.subscriptions.push(
    trainingRuns,
    panels,
    statusBar,
    trainingRuns.onDidChange((run) => statusBar.showRun(run)),
    vscode.commands.registerCommand('llmPipeline.trainModel', (arg?: TrainModelArgument) => guarded(() => trainModel(context.extensionUri, panels, trainingRuns, arg))),
    vscode.commands.registerCommand('llmPipeline.fineTuneWithLora', (arg?: TrainModelArgument) => guarded(() => fineTuneWithLora(context.extensionUri, panels, trainingRuns, arg))),
    vscode.commands.registerCommand('llmPipeline.trainOnThis', (target?: vscode.Uri) => guarded(() => trainOnThis(panels, target))),
    vscode.commands.registerCommand('llmPipeline.exportTrainingRunToPyTorch', (runFolder?: string) => guardedResult(() => exportTrainingRun(trainingRuns, typeof runFolder === 'string' ? runFolder : undefined))),
  );
  return { runs: trainingRuns };
}

/** Window closing: the run stops after its current step and saves its checkpoint. */
export async function stopTrainingOnShutdown(): Promise<void> {
  await runs?.shutdown();
}

async function guarded(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log().error(`training: ${message}`);
    void vscode.window.showErrorMessage(message);
  }
}

/** As guarded, and hands the result to the caller (tests read where the export went). */
async function guardedResult<T>(work: () => Promise<T>): Promise<T | undefined> {
  let result: T | undefined;
  await guarded(async () => {
    result = await work();
  });
  return result;
}

/** What code (the walkthrough, tests) may pass: train on the shipped sample, and start at once. */
interface TrainModelArgument {
  readonly sample?: boolean;
  readonly start?: boolean;
}

/** Opens the panel; with text selected in an editor, that selection becomes the data. */
async function trainModel(extensionUri: vscode.Uri, panels: TrainingPanels, trainingRuns: TrainingRuns, arg?: TrainModelArgument): Promise<void> {
  const panel = panels.show();
  const editor = vscode.window.activeTextEditor;
  if (arg?.sample) await panel.setData(sampleSource(extensionUri));
  else if (editor && !editor.selection.isEmpty) {
    const name = path.basename(editor.document.uri.path) || editor.document.uri.toString();
    await panel.setData(selectionSource(editor.document.getText(editor.selection), name, trainingRuns.runsRoot));
  }
  if (arg?.start && !trainingRuns.isTraining) await panel.start();
}

/** The training panel with LoRA on the active model chosen (rank, α and matrices keep the form's values). */
async function fineTuneWithLora(extensionUri: vscode.Uri, panels: TrainingPanels, trainingRuns: TrainingRuns, arg?: TrainModelArgument): Promise<void> {
  await panels.show().choose({ model: 'continue', lora: true });
  await trainModel(extensionUri, panels, trainingRuns, arg);
}

async function trainOnThis(panels: TrainingPanels, target: vscode.Uri | undefined): Promise<void> {
  const uri = target ?? vscode.window.activeTextEditor?.document.uri;
  if (!uri || uri.scheme !== 'file') throw new Error(vscode.l10n.t('Train on This works on a file or folder on disk.'));
  const source = pathSource(uri.fsPath);
  const panel = panels.show();
  // A .jsonl file of conversations or preference pairs is SFT or DPO data: the form switches to that objective.
  const objective = source.kind === 'file' ? jsonlObjective(uri.fsPath) : undefined;
  if (objective) await panel.choose({ ...OBJECTIVE_DEFAULTS[objective], objective });
  await panel.setData(source, objective);
}
