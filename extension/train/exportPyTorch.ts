// "Export Training Run to PyTorch": the current run (or a run folder the user picks) is written to
// <run folder>/pytorch as a PyTorch script with its data, settings and starting weights
// (engine/pytorchExport/), in the training worker, which tokenizes the data. The folder's
// README.md, with the torchrun command, opens afterwards.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readRunRecord } from '../engine/train/runRecord';
import type { TrainOptions } from '../engine/train/options';
import { log } from '../log';
import type { TrainingRuns } from './trainingRuns';

/** The folder a run's export goes to. */
export function exportFolder(runFolder: string): string {
  return path.join(runFolder, 'pytorch');
}

async function pickRun(runs: TrainingRuns): Promise<TrainOptions | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    defaultUri: vscode.Uri.file(runs.runsRoot),
    openLabel: vscode.l10n.t('Export This Run'),
    title: vscode.l10n.t('A training run folder (it holds run.json)'),
  });
  if (!picked?.[0]) return undefined;
  const record = readRunRecord(picked[0].fsPath);
  if (!record) throw new Error(vscode.l10n.t('{0}: no run.json of a training run here.', picked[0].fsPath));
  return record.options;
}

/** Exports `runFolder`'s run, or the current run, or one the user picks; returns the export folder. */
export async function exportTrainingRun(runs: TrainingRuns, runFolder?: string): Promise<string | undefined> {
  const record = runFolder ? readRunRecord(runFolder) : undefined;
  if (runFolder && !record) throw new Error(vscode.l10n.t('{0}: no run.json of a training run here.', runFolder));
  const options = record?.options ?? runs.options ?? (await pickRun(runs));
  if (!options) return undefined;
  const dir = exportFolder(options.outDir);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Exporting the training run to PyTorch…') },
    () => runs.exportToPyTorch(options, dir),
  );
  log().info(`training: exported ${options.outDir} to ${result.dir} (${result.totalSteps} steps); run: ${result.command}`);
  await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(path.join(result.dir, 'README.md')));
  const copy = vscode.l10n.t('Copy torchrun Command');
  // Not awaited: the command is done when the folder is written, not when the message is dismissed.
  void vscode.window.showInformationMessage(vscode.l10n.t('Wrote {0}: {1} steps, to run with torchrun in that folder.', result.dir, result.totalSteps), copy).then((choice) => {
    if (choice === copy) void vscode.env.clipboard.writeText(`cd "${result.dir}" && ${result.command}`);
  });
  return result.dir;
}
