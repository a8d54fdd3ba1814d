// The strings the quantization lab shows. The host fills this table with vscode.l10n.t()
// (extension/quantization/webviewStrings.ts) and passes it in the boot data.
import { t as translate } from '../shared/l10n';

export type QuantizationStringKey =
  | 'intro' | 'model' | 'text' | 'chooseFile' | 'blockSize' | 'run' | 'cancel'
  | 'variant' | 'file' | 'size' | 'load' | 'prefill' | 'decode' | 'perplexity' | 'agreement' | 'kl'
  | 'measuredOn' | 'flipsTitle' | 'flipsOf' | 'flipsNone' | 'matricesTitle' | 'matrix' | 'scheme' | 'scales'
  | 'maxError' | 'rmsError' | 'histogram' | 'outliers' | 'outlier' | 'noResult';

export type QuantizationStrings = Readonly<Record<QuantizationStringKey, string>>;

export function t(key: QuantizationStringKey, ...args: (string | number)[]): string {
  return translate(key, ...args);
}
