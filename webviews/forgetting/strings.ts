// The strings the Plot Forgetting panel shows. The host fills this table with vscode.l10n.t()
// (extension/forgetting/webviewStrings.ts) and passes it in the boot data.
import { t as translate } from '../shared/l10n';

export type ForgettingStringKey =
  | 'intro' | 'model' | 'newData' | 'replayData' | 'oldValidation' | 'missing' | 'chooseNewData' | 'chooseOldValidation'
  | 'replayRatio' | 'replayHint' | 'steps' | 'run' | 'cancel'
  | 'shipped' | 'saved' | 'live' | 'cancelled' | 'oldTitle' | 'newTitle' | 'loss' | 'withoutReplay' | 'withReplay'
  | 'oldSummary' | 'newSummary' | 'tableStep' | 'tableRatio' | 'tableOld' | 'tableNew' | 'forgot';

export type ForgettingStrings = Readonly<Record<ForgettingStringKey, string>>;

export function t(key: ForgettingStringKey, ...args: (string | number)[]): string {
  return translate(key, ...args);
}
