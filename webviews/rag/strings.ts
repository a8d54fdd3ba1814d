// The strings the RAG & context-window panel shows. The host fills this table with
// vscode.l10n.t() (extension/rag/webviewStrings.ts) and passes it in the boot data; a key missing
// on either side is a type error.
import { t as translate } from '../shared/l10n';

export type RagStringKey =
  | 'modelLine'
  | 'embedderLine'
  | 'chooseEmbedder'
  | 'downloadEmbedder'
  | 'feedsAnswer'
  | 'answerRanking'
  | 'untrusted'
  | 'folder'
  | 'noFolder'
  | 'attach'
  | 'detach'
  | 'folderStats'
  | 'question'
  | 'questionPlaceholder'
  | 'policy'
  | 'policyDropSources'
  | 'policyTruncateStart'
  | 'policyTruncateEnd'
  | 'answerTokens'
  | 'retrieve'
  | 'retrieveAndAnswer'
  | 'stop'
  | 'contextWindow'
  | 'contextSummary'
  | 'overflowSummary'
  | 'answerRoom'
  | 'free'
  | 'segmentTokens'
  | 'cutLabel'
  | 'dropped'
  | 'rankings'
  | 'rankingsSummary'
  | 'bm25'
  | 'dense'
  | 'fused'
  | 'fusedRanks'
  | 'notRanked'
  | 'noHits'
  | 'openChunk'
  | 'prompt'
  | 'answer'
  | 'answerStreaming'
  | 'answerDone'
  | 'citations'
  | 'cited'
  | 'notCited';

export type RagStrings = Readonly<Record<RagStringKey, string>>;

export function t(key: RagStringKey, ...args: (string | number)[]): string {
  return translate(key, ...args);
}
