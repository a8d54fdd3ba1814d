// Step 7 in the editor: eval suites in the Test Explorer, suite problems on the file, "Show
// Surprise" on any text and "Show Calibration", the reliability diagram of that same scoring.
// Scoring and suite runs happen in the eval process; this only registers.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EvalWorkerHost } from '../engine/eval/evalWorkerHost';
import { comparisonMarkdown, readRun, runsOf } from '../engine/eval/resultsFile';
import { log } from '../log';
import { activeModel } from '../model/activeModel';
import { calibrationPanels, calibrationView, type CalibrationPanels } from './calibrationPanel';
import { SuiteDiagnostics } from './suiteDiagnostics';
import { SuiteTests, type SuiteRunSummary } from './suiteTests';
import { OPEN_DECODING_AT, SHOW_CALIBRATION, SurpriseView } from './surpriseView';

/** Larger texts are refused: scoring is linear in length, but a 100 MB log is not a story. */
const MAX_SURPRISE_BYTES = 4 << 20;
/** The suites shipped with the walkthrough, relative to the extension root. */
const SHIPPED_SUITES = ['walkthroughs', 'eval'] as const;
/** Characters of the file before a position that the Decoding Playground gets as its prompt. */
const PLAYGROUND_PROMPT_CHARS = 2000;

export interface EvalTestApi {
  readonly suites: SuiteTests;
  readonly surprise: SurpriseView;
  /** Runs the tests of a suite file as the Test Explorer's Run does. */
  runSuiteFile(uri: vscode.Uri): Promise<SuiteRunSummary[]>;
}

export function registerEval(context: vscode.ExtensionContext): EvalTestApi {
  const model = activeModel(context);
  const worker = new EvalWorkerHost(context.asAbsolutePath('dist/evalWorker.js'));
  const diagnostics = new SuiteDiagnostics();
  const suites = new SuiteTests(worker, model, diagnostics, context.workspaceState, context.extensionUri.fsPath, path.join(context.globalStorageUri.fsPath, 'eval-results'));
  const surprise = new SurpriseView();
  const calibration = calibrationPanels(context.extensionUri);
  context.subscriptions.push(
    calibration,
    { dispose: () => worker.dispose() },
    diagnostics,
    suites,
    surprise,
    vscode.commands.registerCommand('llmPipeline.showSurprise', async () => showSurprise(worker, await model.runnableFolder(), surprise)),
    vscode.commands.registerCommand(SHOW_CALIBRATION, async () => showCalibration(worker, await model.runnableFolder(), surprise, calibration)),
    vscode.commands.registerCommand(OPEN_DECODING_AT, (uri: vscode.Uri, offset: number) => openDecodingAt(uri, offset)),
    vscode.commands.registerCommand('llmPipeline.compareEvalRuns', (uri?: vscode.Uri) => compareLastRuns(uri, suites)),
    vscode.commands.registerCommand('llmPipeline.walkthrough.tryEvalSuites', () => runShippedSuites(context.extensionUri, suites)),
  );
  return {
    suites,
    surprise,
    async runSuiteFile(uri) {
      const item = await suites.refresh(uri);
      const tokens = new vscode.CancellationTokenSource();
      try {
        return await suites.run(new vscode.TestRunRequest(item ? [item] : []), tokens.token);
      } finally {
        tokens.dispose();
      }
    },
  };
}

async function showSurprise(worker: EvalWorkerHost, modelDir: string | undefined, view: SurpriseView): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open a text file (or select some text) to see how surprising each token is to the model.'));
    return;
  }
  if (!modelDir) {
    void vscode.window.showErrorMessage(vscode.l10n.t('No model folder is chosen and none is bundled. Run "LLM Pipeline: Choose Model Folder…".'));
    return;
  }
  const { document, selection } = editor;
  const range = selection.isEmpty ? new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)) : selection;
  const text = document.getText(range);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_SURPRISE_BYTES) {
    void vscode.window.showErrorMessage(vscode.l10n.t('{0}: {1} bytes; Show Surprise scores at most {2} bytes. Select a part of it.', path.basename(document.fileName), bytes, MAX_SURPRISE_BYTES));
    return;
  }
  const base = document.offsetAt(range.start);
  const version = document.version;
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Scoring the surprise of each token'), cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    const cancel = token.onCancellationRequested(() => controller.abort());
    let reported = 0;
    try {
      const { report, modelName } = await worker.surprise(modelDir, text, {
        signal: controller.signal,
        onProgress: (done, total) => {
          const percent = (100 * done) / total;
          progress.report({ increment: percent - reported, message: vscode.l10n.t('{0} of {1} tokens', done, total) });
          reported = percent;
        },
      });
      if (document.version !== version) {
        void vscode.window.showWarningMessage(vscode.l10n.t('The file changed while it was scored; run Show Surprise again.'));
        return;
      }
      view.show(document, base, report, modelName, !selection.isEmpty);
      log().info(`surprise of ${document.fileName}: ${report.length} tokens, loss ${report.packed.evaluation.loss.toFixed(4)} under ${modelName}`);
    } catch (error) {
      if ((error as Error).name === 'AbortError') return;
      log().error(`surprise of ${document.fileName}: ${(error as Error).message}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('Show Surprise failed: {0}', (error as Error).message));
    } finally {
      cancel.dispose();
    }
  });
}

/**
 * Draws the reliability diagram of the active file from the report Show Surprise made of it,
 * scoring the file first (in the eval process) when it has none; with no editor active (the
 * panel itself has focus), the file scored last.
 */
async function showCalibration(worker: EvalWorkerHost, modelDir: string | undefined, view: SurpriseView, panels: CalibrationPanels): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  let shown = view.calibration(editor?.document.uri);
  if (!shown && editor) {
    await showSurprise(worker, modelDir, view);
    shown = view.calibration(editor.document.uri);
  }
  if (!shown) {
    if (!editor) void vscode.window.showInformationMessage(vscode.l10n.t('Open a text file to see how well the model\'s confidence matches how often it is right.'));
    return;
  }
  await panels.show().draw(calibrationView(shown.document, shown.calibration, shown.modelName, shown.partial));
}

/** Opens the reading-comprehension suite shipped with the walkthrough and runs every shipped suite in the Test Explorer. */
async function runShippedSuites(extensionUri: vscode.Uri, suites: SuiteTests): Promise<void> {
  const folder = vscode.Uri.joinPath(extensionUri, ...SHIPPED_SUITES);
  const files = (await vscode.workspace.fs.readDirectory(folder)).filter(([name]) => name.endsWith('.llmeval.json')).map(([name]) => vscode.Uri.joinPath(folder, name));
  const items = (await Promise.all(files.map((uri) => suites.refresh(uri)))).filter((item): item is vscode.TestItem => item !== undefined);
  await vscode.window.showTextDocument(vscode.Uri.joinPath(folder, 'tinystories-reading.llmeval.json'), { preview: false });
  await vscode.commands.executeCommand('workbench.view.testing.focus');
  const tokens = new vscode.CancellationTokenSource();
  try {
    await suites.run(new vscode.TestRunRequest(items), tokens.token);
  } finally {
    tokens.dispose();
  }
}

/** Selects the text before `offset` (up to PLAYGROUND_PROMPT_CHARS) and opens the Decoding Playground on it. */
async function openDecodingAt(uri: vscode.Uri, offset: number): Promise<void> {
  const document = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(document);
  const end = document.positionAt(offset);
  editor.selection = new vscode.Selection(document.positionAt(Math.max(0, offset - PLAYGROUND_PROMPT_CHARS)), end);
  await vscode.commands.executeCommand('llmPipeline.decodingPlayground');
}

/** Opens the last two runs of a suite side by side as a Markdown table of verdicts and figures. */
async function compareLastRuns(uri: vscode.Uri | undefined, suites: SuiteTests): Promise<void> {
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!target || !target.fsPath.endsWith('.llmeval.json')) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open an eval suite (*.llmeval.json) to compare its last two runs.'));
    return;
  }
  const folder = suites.resultsFolder(target);
  const runs = runsOf(folder, target.fsPath).filter((f) => fs.existsSync(f));
  if (runs.length < 2) {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} has {1} recorded run(s) under {2}; run it twice to compare.', path.basename(target.fsPath), runs.length, folder));
    return;
  }
  const content = comparisonMarkdown(readRun(runs[1]), readRun(runs[0]));
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'markdown', content }), { preview: true });
}
