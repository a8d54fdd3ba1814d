// The strings the Calibration panel shows. The host fills this table with vscode.l10n.t()
// (extension/eval/calibrationWebviewStrings.ts) and passes it in the boot data.
import { t as translate } from '../shared/l10n';

export type CalibrationStringKey =
  | 'heading' | 'figures' | 'confidenceAxis' | 'accuracyAxis' | 'diagonal' | 'accuracyBars' | 'gapBand' | 'countLabel'
  | 'diagramLabel' | 'binLabel' | 'over' | 'under' | 'calibrated' | 'explanation' | 'empty' | 'exportSvg' | 'exportPng';

export type CalibrationStrings = Readonly<Record<CalibrationStringKey, string>>;

export function t(key: CalibrationStringKey, ...args: (string | number)[]): string {
  return translate(key, ...args);
}
