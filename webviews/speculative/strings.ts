// The strings the Speculative Decoding panel shows. The host fills this table with vscode.l10n.t()
// (extension/speculative/webviewStrings.ts) and passes it in the boot data.
import { t as translate } from '../shared/l10n';

export type SpeculativeStringKey =
  | 'intro' | 'target' | 'draft' | 'noDraft' | 'draftChosen' | 'draftTrained' | 'chooseDraft' | 'trainDraft' | 'trainDraftHint'
  | 'prompt' | 'maxNewTokens' | 'draftTokens' | 'run' | 'cancel' | 'noResult'
  | 'accepted' | 'rejected' | 'corrected' | 'bonus' | 'output'
  | 'acceptance' | 'perTargetCall' | 'calls' | 'greedyTime' | 'speculativeTime' | 'speedup' | 'timingNote'
  | 'matches' | 'differs' | 'roundTitle';

export type SpeculativeStrings = Readonly<Record<SpeculativeStringKey, string>>;

export function t(key: SpeculativeStringKey, ...args: (string | number)[]): string {
  return translate(key, ...args);
}
