// Step 5 (memory and context) in the editor: Show Context Window, Attach / Detach RAG Folder, Ask
// the RAG Folder, Choose / Download Embedding Model, the panel's serializer and the chunk decorations.
// Commands return what they produced (an index report, a retrieval) so the integration tests can
// read it; nothing loads until a command runs.
import * as vscode from 'vscode';
import type { IndexReport } from '../engine/rag/indexer';
import { IndexWorkerHost } from '../engine/rag/indexWorkerHost';
import { activeModel } from '../model/activeModel';
import { selectionSource, withinSelectionLimit } from '../tokenizer/selectionText';
import type { RetrievalView } from '../../webviews/rag/protocol';
import { ChunkDecorations } from './chunkDecorations';
import { chooseEmbeddingModel, downloadEmbeddingModel } from './chooseEmbedder';
import { RagFolders, untrustedMessage } from './ragFolders';
import { ragPanels, type RagPanels } from './ragPanel';
import { DEFAULT_ANSWER_TOKENS, RagPartsCache } from './ragParts';
import { RAG_SECTION } from './ragSettings';
import { skippedSummary } from './ragViews';
import { PICKER_OPTIONS } from '../panels/pickerOptions';

/** Arguments the ask command takes from code (tests, other commands): a question, or more. */
type AskArgument = string | { readonly question: string; readonly generate?: boolean };

/** What the integration tests read of step 5 beyond the commands' results. */
export interface RagTestApi {
  /** The attached roots as the workspace state remembers them for the next session. */
  readonly rememberedRoots: () => readonly string[];
}

export function registerRag(context: vscode.ExtensionContext): RagTestApi {
  const model = activeModel(context);
  const parts = new RagPartsCache(model);
  const worker = new IndexWorkerHost(context.asAbsolutePath('dist/ragWorker.js'));
  const folders = new RagFolders(context, parts, worker);
  const decorations = new ChunkDecorations(folders);
  const panels = ragPanels({ extensionUri: context.extensionUri, folders, parts });
  context.subscriptions.push(
    parts,
    folders,
    { dispose: () => worker.dispose() },
    decorations,
    panels,
    vscode.commands.registerCommand('llmPipeline.showContextWindow', () => showContextWindow(panels)),
    vscode.commands.registerCommand('llmPipeline.attachRagFolder', (folder?: vscode.Uri) => attach(folders, panels, folder)),
    vscode.commands.registerCommand('llmPipeline.detachRagFolder', (folder?: vscode.Uri) => detach(folders, folder)),
    vscode.commands.registerCommand('llmPipeline.askRagFolder', (arg?: AskArgument) => ask(panels, arg)),
    vscode.commands.registerCommand('llmPipeline.chooseEmbeddingModel', (folder?: vscode.Uri) => chooseEmbeddingModel(context, folder)),
    vscode.commands.registerCommand('llmPipeline.downloadEmbeddingModel', () => downloadEmbeddingModel(context)),
    model.onDidChange(() => folders.invalidate()),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(RAG_SECTION) && folders.invalidate()),
  );
  return { rememberedRoots: () => folders.remembered };
}

/** The selection, cut to llmPipeline.tokenizer.maxSelectionBytes as the tokenizer panel cuts it. */
function selectedText(): string {
  const editor = vscode.window.activeTextEditor;
  const source = editor && selectionSource(editor);
  return source ? withinSelectionLimit(source).text : '';
}

/** Opens the panel on the selection: its tokens laid out in the window, with retrieved sources when a folder is attached. */
async function showContextWindow(panels: RagPanels): Promise<void> {
  const panel = panels.show();
  const question = selectedText();
  if (question) {
    await panel.ask({ question, policy: 'drop-sources', answerTokens: DEFAULT_ANSWER_TOKENS, generate: false });
  }
}

async function attach(folders: RagFolders, panels: RagPanels, folder?: vscode.Uri): Promise<IndexReport | undefined> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(untrustedMessage());
    return undefined;
  }
  const root = folder?.fsPath ?? (await pickFolder());
  if (!root) return undefined;
  try {
    const report = await folders.attach(root);
    if (report) {
      panels.show();
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Indexed {0}: {1} files, {2} chunks in {3} s. Skipped: {4}.', root, report.files, report.chunks, (report.ms / 1000).toFixed(1), skippedSummary(report)),
      );
    }
    return report;
  } catch (error) {
    if ((error as Error).name === 'AbortError') {
      void vscode.window.showInformationMessage(vscode.l10n.t('Indexing {0} was cancelled.', root));
      return undefined;
    }
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not index {0}: {1}', root, (error as Error).message));
    return undefined;
  }
}

/** A workspace folder, or any folder from the file dialog. */
async function pickFolder(): Promise<string | undefined> {
  const browse = vscode.l10n.t('Browse…');
  const items = [...(vscode.workspace.workspaceFolders ?? []).map((f) => ({ label: f.name, description: f.uri.fsPath })), { label: browse, description: '' }];
  const picked = items.length === 1 ? items[0] : await vscode.window.showQuickPick(items, { ...PICKER_OPTIONS, title: vscode.l10n.t('Attach a folder for RAG') });
  if (!picked) return undefined;
  if (picked.label !== browse || picked.description) return picked.description;
  const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: vscode.l10n.t('Attach for RAG') });
  return chosen?.[0]?.fsPath;
}

async function detach(folders: RagFolders, folder?: vscode.Uri): Promise<void> {
  const root =
    folder?.fsPath ??
    (await vscode.window.showQuickPick(folders.roots, { ...PICKER_OPTIONS, title: vscode.l10n.t('Detach a RAG folder (its index is deleted)') }));
  if (!root) return;
  if (!folders.roots.includes(root)) {
    void vscode.window.showWarningMessage(vscode.l10n.t('{0} is not attached for RAG.', root));
    return;
  }
  await folders.detach(root);
}

async function ask(panels: RagPanels, arg?: AskArgument): Promise<RetrievalView | undefined> {
  const given = typeof arg === 'string' ? { question: arg } : arg;
  const question =
    given?.question ?? (selectedText() || (await vscode.window.showInputBox({ title: vscode.l10n.t('Ask the RAG folder'), prompt: vscode.l10n.t('Question') })));
  if (!question) return undefined;
  return panels.show().ask({ question, policy: 'drop-sources', answerTokens: DEFAULT_ANSWER_TOKENS, generate: given?.generate ?? true });
}
