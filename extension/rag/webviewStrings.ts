// The RAG panel's strings, translated in the host so l10n/bundle.l10n.json is the one place
// translators work. {0}, {1}... are filled in by the webview.
import * as vscode from 'vscode';
import type { RagStrings } from '../../webviews/rag/strings';

export function ragWebviewStrings(): RagStrings {
  const l = vscode.l10n.t;
  return {
    modelLine: l('Model {0}: a context window of {1} tokens.'),
    embedderLine: l('Embeddings: {0}.'),
    untrusted: l('RAG indexing is off in an untrusted workspace. The context window still works.'),
    folder: l('RAG folder'),
    noFolder: l('No folder attached: the prompt is your question alone.'),
    attach: l('Attach Folder…'),
    detach: l('Detach'),
    folderStats: l('{0} files, {1} chunks. Skipped: {2}.'),
    question: l('Question'),
    questionPlaceholder: l('Ask something the folder answers, or select text in an editor'),
    policy: l('When it overflows'),
    policyDropSources: l('drop the lowest-ranked sources'),
    policyTruncateStart: l('cut from the start (sliding window)'),
    answerTokens: l('Answer room (tokens)'),
    retrieve: l('Retrieve'),
    retrieveAndAnswer: l('Retrieve and answer'),
    stop: l('Stop'),
    contextWindow: l('Context window'),
    contextSummary: l('Prompt {0} tokens + answer room {1} of {2}; {3} free.'),
    overflowSummary: l('{0} tokens too many: cut as shown below.'),
    answerRoom: l('answer room'),
    free: l('free'),
    segmentTokens: l('{0}: {1} of {2} tokens kept'),
    cutLabel: l('Cut'),
    dropped: l('dropped'),
    rankings: l('Retrieval'),
    rankingsSummary: l('Scored every chunk in {0} ms. Fusion: reciprocal rank fusion, 1 / ({1} + rank) summed.'),
    bm25: l('BM25 (words)'),
    dense: l('Dense (cosine of embeddings)'),
    fused: l('Fused (RRF)'),
    fusedRanks: l('BM25 #{0} · dense #{1}'),
    notRanked: l('–'),
    noHits: l('No chunk shares a word with the question.'),
    openChunk: l('Open {0}'),
    prompt: l('Assembled prompt (what the model reads)'),
    answer: l('Answer'),
    answerStreaming: l('Generating… {0} tokens'),
    answerDone: l('{0} tokens, ended by {1}.'),
    citations: l('Sources given'),
    cited: l('cited'),
    notCited: l('not cited'),
  };
}
