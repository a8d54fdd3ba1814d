// Choose Embedding Model: the sentence-embedding model that embeds RAG chunks and questions
// (llmPipeline.rag.embeddingModel), picked from the models already in the Hugging Face cache, a
// download of all-MiniLM-L6-v2 from the Hub, a folder on disk, or none (the active model's pooled
// hidden states). The folder is checked before the setting changes; the change makes every
// attached folder re-embed in the index worker on next use (registerRag.ts invalidates the
// indexes when the setting changes).
import * as vscode from 'vscode';
import { downloadSentenceModel, SUGGESTED_SENTENCE_MODEL } from '../engine/hub/downloadSentenceModel';
import { cachedSentenceModels, hubCacheDir, sentenceModelFolder } from '../engine/rag/embedderFolder';
import { hubDownload } from '../hub/hubDownload';
import { RAG_SECTION } from './ragSettings';
import { PICKER_OPTIONS } from '../panels/pickerOptions';

type Choice = vscode.QuickPickItem & { readonly dir?: string; readonly browse?: boolean; readonly download?: boolean };

function choices(): Choice[] {
  const found = cachedSentenceModels();
  const cached = found.map((m): Choice => ({ label: m.name, description: vscode.l10n.t('Hugging Face cache'), detail: m.dir, dir: m.dir }));
  const layout = vscode.l10n.t('A sentence-embedding model in the Hugging Face ONNX layout (tokenizer.json, onnx/model.onnx).');
  const none = found.length ? '' : ` ${vscode.l10n.t('None was found in {0}.', hubCacheDir())}`;
  const { repo, downloadMB, parameters } = SUGGESTED_SENTENCE_MODEL;
  const download: Choice[] = found.some((m) => m.name === repo)
    ? []
    : [
        {
          label: vscode.l10n.t('Download {0} from Hugging Face', repo),
          description: vscode.l10n.t('{0} MB on disk, {1} parameters', downloadMB, parameters),
          detail: vscode.l10n.t('Trained to place texts of similar meaning close together; dense retrieval with it then feeds the answer.'),
          download: true,
        },
      ];
  return [
    { label: vscode.l10n.t('The active model\'s hidden states'), description: vscode.l10n.t('built in; weak for meaning, so BM25 alone feeds the answer'), dir: '' },
    ...cached,
    ...download,
    { label: vscode.l10n.t('Browse for a model folder…'), detail: layout + none, browse: true },
  ];
}

async function pick(context: vscode.ExtensionContext): Promise<string | undefined> {
  const picked = await vscode.window.showQuickPick(choices(), { ...PICKER_OPTIONS, title: vscode.l10n.t('Embedding model for RAG'), matchOnDetail: true });
  if (picked?.download) return downloadSuggested(context);
  if (!picked?.browse) return picked?.dir;
  const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: vscode.l10n.t('Use for RAG embeddings') });
  return chosen?.[0]?.fsPath;
}

/** Downloads all-MiniLM-L6-v2 into the Hugging Face cache; its snapshot folder, or undefined when cancelled or failed. */
async function downloadSuggested(context: vscode.ExtensionContext): Promise<string | undefined> {
  const { repo } = SUGGESTED_SENTENCE_MODEL;
  return (await hubDownload(context, repo, (options) => downloadSentenceModel(repo, options)))?.dir;
}

/** Sets llmPipeline.rag.embeddingModel to `folder` (or what the user picks); returns the folder set, '' for the hidden states. */
export async function chooseEmbeddingModel(context: vscode.ExtensionContext, folder?: vscode.Uri): Promise<string | undefined> {
  return useEmbedder(folder ? folder.fsPath : await pick(context));
}

/** The one-click path (palette, RAG panel): downloads all-MiniLM-L6-v2 and makes it the RAG embedder. */
export async function downloadEmbeddingModel(context: vscode.ExtensionContext): Promise<string | undefined> {
  return useEmbedder(await downloadSuggested(context));
}

async function useEmbedder(chosen: string | undefined): Promise<string | undefined> {
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
