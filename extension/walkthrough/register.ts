// VS Code glue for the built-in walkthrough "LLM Pipeline: 8 steps": its "Try it" buttons, a
// command that opens it, and one that opens the project's discussions (of one step, when given its
// number) in the browser.
import * as vscode from 'vscode';
import { log } from '../log';
import { discussionsUrl, stepDiscussionsUrl } from './discussions';
import { SAMPLES_FOLDER_PATH, SAMPLE_STORY_PATH, passageRange, tryItSteps, type FolderTryIt, type SelectionTryIt, type TryItStep } from './tryItSteps';

/** The walkthrough's id in package.json contributes.walkthroughs. */
export const WALKTHROUGH_ID = 'llmPipeline.eightSteps';

export function registerWalkthrough(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    ...tryItSteps.map((step) => vscode.commands.registerCommand(step.command, () => tryIt(context.extensionUri, step))),
    vscode.commands.registerCommand('llmPipeline.openWalkthrough', () =>
      vscode.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#${WALKTHROUGH_ID}`, false),
    ),
    vscode.commands.registerCommand('llmPipeline.openDiscussions', (step?: unknown) => openDiscussions(context.extension, step)),
  );
}

async function tryIt(extensionUri: vscode.Uri, step: TryItStep): Promise<void> {
  try {
    if ('passage' in step) await selectAndInspect(extensionUri, step);
    else if ('attach' in step) await attachAndAsk(extensionUri, step);
    else await vscode.commands.executeCommand(step.inspector, step.argument);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log().error(`Try it (${step.command}): ${message}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not run the walkthrough example: {0}', message));
  }
}

/**
 * Opens the sample in the walkthrough's editor group (it stays one tab away), selects the step's
 * passage and runs its inspector, which opens beside it: two columns, even on a small screen.
 */
async function selectAndInspect(extensionUri: vscode.Uri, step: SelectionTryIt): Promise<void> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(extensionUri, ...SAMPLE_STORY_PATH));
  const { start, end } = passageRange(document.getText(), step.passage);
  const selection = new vscode.Selection(document.positionAt(start), document.positionAt(end));
  const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Active, selection, preview: false });
  editor.revealRange(selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  await vscode.commands.executeCommand(step.inspector);
}

/** Attaches the samples folder and asks it the step's question; the attach command reports any failure itself. */
async function attachAndAsk(extensionUri: vscode.Uri, step: FolderTryIt): Promise<void> {
  const report = await vscode.commands.executeCommand<unknown>(step.attach, vscode.Uri.joinPath(extensionUri, ...SAMPLES_FOLDER_PATH));
  if (report === undefined) return;
  await vscode.commands.executeCommand(step.inspector, step.question);
}

/**
 * Opens the project's discussions; with a step number (the pages' "Ask about this step" links pass
 * one), the discussions about that step. From the command palette there is no argument.
 */
async function openDiscussions(extension: vscode.Extension<unknown>, step: unknown): Promise<void> {
  const manifest = extension.packageJSON as { repository?: { url?: string } };
  try {
    const repository = manifest.repository?.url ?? '';
    const url = step === undefined ? discussionsUrl(repository) : stepDiscussionsUrl(repository, step);
    const opened = await vscode.env.openExternal(vscode.Uri.parse(url));
    if (!opened) void vscode.window.showInformationMessage(vscode.l10n.t('Open {0} in your browser to ask a question or start a discussion.', url));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log().error(`Open Discussions: ${message}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not open the discussions page: {0}', message));
  }
}
