// The strings the Scaling Sweep panel shows. The host fills this table with vscode.l10n.t()
// (extension/scalingSweep/webviewStrings.ts) and passes it in the boot data; a key missing on
// either side is a type error.
import { t as translate } from '../shared/l10n';

export type ScalingSweepStringKey =
  | 'intro' | 'data' | 'noData' | 'chooseFile' | 'useSample'
  | 'budget' | 'budgetHelp' | 'tokensPerParameter' | 'tokensPerParameterHelp' | 'recipe' | 'start' | 'stop'
  | 'statusRunning' | 'statusStopping' | 'statusFinished' | 'statusStopped' | 'statusFailed'
  | 'currentRun' | 'currentCheck' | 'stepLine' | 'trainingLoss' | 'validationLoss' | 'lossSummary'
  | 'results' | 'shippedNote' | 'resultsOf' | 'notRun'
  | 'runColumn' | 'nColumn' | 'tokensColumn' | 'flopsColumn' | 'lossColumn'
  | 'fitLine' | 'alphaLine' | 'noFit' | 'caveats'
  | 'predictionLine' | 'checkButton' | 'checkShippedNote' | 'checkedLine'
  | 'plotN' | 'plotC' | 'axisN' | 'axisC' | 'axisLoss' | 'plotSummary' | 'fitOnC'
  | 'legendRuns' | 'legendFit' | 'legendPredicted' | 'legendChecked'
  | 'exportSvg' | 'saveResults';

export type ScalingSweepStrings = Readonly<Record<ScalingSweepStringKey, string>>;

export function t(key: ScalingSweepStringKey, ...args: (string | number)[]): string {
  return translate(key, ...args);
}
