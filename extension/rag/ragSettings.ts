// The llmPipeline.rag.* settings as the engine's IndexSettings, checked, with the setting named
// in the message when a value is wrong.
import * as vscode from 'vscode';
import { checkChunkSettings } from '../engine/rag/chunker';
import type { IndexSettings } from '../engine/rag/indexer';

export const RAG_SECTION = 'llmPipeline.rag';
/** The largest llmPipeline.rag.maxFileBytes honoured (package.json declares the same maximum). */
const MAX_FILE_BYTES = 64 * 1_048_576;

export function ragIndexSettings(): IndexSettings {
  const config = vscode.workspace.getConfiguration(RAG_SECTION);
  const chunk = { size: config.get<number>('chunkSize', 256), overlap: config.get<number>('chunkOverlap', 32) };
  try {
    checkChunkSettings(chunk);
  } catch (error) {
    throw new Error(vscode.l10n.t('Settings llmPipeline.rag.chunkSize / chunkOverlap: {0}', (error as Error).message));
  }
  return {
    walk: { include: config.get<string[]>('include', ['**/*']), exclude: config.get<string[]>('exclude', []) },
    chunk,
    maxFileBytes: Math.min(MAX_FILE_BYTES, Math.max(1024, config.get<number>('maxFileBytes', 1_048_576) || 1_048_576)),
  };
}

/** The sentence-embedding model folder the user set; '' means the active model's hidden states. */
export function embeddingModelSetting(): string {
  return vscode.workspace.getConfiguration(RAG_SECTION).get<string>('embeddingModel', '').trim();
}
