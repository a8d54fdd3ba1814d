// The Speculative Decoding panel's strings, translated in the host. {0}, {1}... are filled in by the webview.
import { l10n } from 'vscode';
import type { SpeculativeStrings } from '../../webviews/speculative/strings';

export function speculativeWebviewStrings(): SpeculativeStrings {
  return {
    intro: l10n.t('A small draft model proposes k tokens; the active model (the target) checks them all in one call, keeps the prefix it agrees with and adds one token of its own. The output is exactly the target\'s greedy output; only the number of target calls changes.'),
    target: l10n.t('Target (active model)'),
    draft: l10n.t('Draft'),
    noDraft: l10n.t('none yet'),
    draftChosen: l10n.t('(chosen folder)'),
    draftTrained: l10n.t('(trained here)'),
    chooseDraft: l10n.t('Choose Draft Model Folder…'),
    trainDraft: l10n.t('Train a 1-Layer Draft'),
    trainDraftHint: l10n.t('trains a 1-layer model with the target\'s tokenizer on the walkthrough sample, in the training worker (a minute or two)'),
    prompt: l10n.t('Prompt'),
    maxNewTokens: l10n.t('New tokens'),
    draftTokens: l10n.t('Draft tokens per round (k)'),
    run: l10n.t('Decode Speculatively'),
    cancel: l10n.t('Cancel'),
    noResult: l10n.t('Nothing decoded yet: choose or train a draft, then press Decode Speculatively.'),
    accepted: l10n.t('draft, accepted'),
    rejected: l10n.t('draft, rejected'),
    corrected: l10n.t('target, correction'),
    bonus: l10n.t('target, bonus'),
    output: l10n.t('Output, round by round'),
    acceptance: l10n.t('Acceptance rate'),
    perTargetCall: l10n.t('Tokens per target call'),
    calls: l10n.t('Target calls / draft calls'),
    greedyTime: l10n.t('Target greedy decoding'),
    speculativeTime: l10n.t('Speculative decoding'),
    speedup: l10n.t('Speed-up'),
    timingNote: l10n.t('{0} tokens, draft {1}, target {2}: both timings taken now in this run, after one untimed warm-up; on a busy machine they vary from run to run.'),
    matches: l10n.t('The output equals {0}\'s own greedy output, token for token.'),
    differs: l10n.t('The output differs from {0}\'s greedy output: this is a bug, please report it.'),
    roundTitle: l10n.t('round {0}'),
  };
}
