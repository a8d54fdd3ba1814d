// Choose Embedding Model: the sentence-embedding model that embeds RAG chunks and questions
// (llmPipeline.rag.embeddingModel), picked from the models already in the Hugging Face cache, a
// folder on disk, or none (the active model's pooled hidden states). The folder is checked before
// the setting changes; the change makes every attached folder re-embed in the index worker on
// next use (registerRag.ts invalidates the indexes when the setting changes).
import * as vscode from 'vscode';
import { cachedSentenceModels, hubCacheDir, sentenceModelFolder } from '../engine/rag/embedderFolder';
import { RAG_SECTION } from './ragSettings';

type Choice = vscode.QuickPickItem & { readonly dir?: string; readonly browse?: boolean };

/**
 * The choices offered. The Hub downloader plugs in here: an item that downloads a model into the
 * cache and returns its snapshot folder as `dir`.
 */
function choices(): Choice[] {
  const cached = cachedSentenceModels().map((m): Choice => ({ label: m.name, description: vscode.l10n.t('Hugging Face cache'), detail: m.dir, dir: m.dir }));
  const layout = vscode.l10n.t('A sentence-embedding model in the Hugging Face ONNX layout (tokenizer.json, onnx/model.onnx).');
  const none = cached.length ? '' : ` ${vscode.l10n.t('None was found in {0}.', hubCacheDir())}`;
  return [
    { label: vscode.l10n.t('The active model\'s hidden states'), description: vscode.l10n.t('built in; weak for meaning, so BM25 alone feeds the answer'), dir: '' },
    ...cached,
    { label: vscode.l10n.t('Browse for a model folder…'), detail: layout + none, browse: true },
  ];
}

async function pick(): Promise<string | undefined> {
  const picked = await vscode.window.showQuickPick(choices(), { title: vscode.l10n.t('Embedding model for RAG'), matchOnDetail: true });
  if (!picked?.browse) return picked?.dir;
  const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: vscode.l10n.t('Use for RAG embeddings') });
  return chosen?.[0]?.fsPath;
}

/** Sets llmPipeline.rag.embeddingModel to `folder` (or what the user picks); returns the folder set, '' for the hidden states. */
export async function chooseEmbeddingModel(folder?: vscode.Uri): Promise<string | undefined> {
  const chosen = folder ? folder.fsPath : await pick();
  if (chosen === undefined) return undefined;
  let dir = '';
  if (chosen) {
    try {
      dir = sentenceModelFolder(chosen);
    } catch (error) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Not used for RAG embeddings: {0}', (error as Error).message));
      return undefined;
    }
  }
  await vscode.workspace.getConfiguration(RAG_SECTION).update('embeddingModel', dir, vscode.ConfigurationTarget.Global);
  return dir;
}
