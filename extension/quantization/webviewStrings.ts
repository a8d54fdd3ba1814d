// The quantization lab's strings, translated in the host. {0}, {1}... are filled in by the webview.
import { l10n } from 'vscode';
import type { QuantizationStrings } from '../../webviews/quantization/strings';

export function quantizationWebviewStrings(): QuantizationStrings {
  return {
    intro: l10n.t('The active model as fp32, fp16, int8 (per output channel, weights only) and int4 (blocks, MatMulNBits), built now and measured together on one text.'),
    model: l10n.t('Model'),
    text: l10n.t('Text'),
    chooseFile: l10n.t('Choose Text File…'),
    blockSize: l10n.t('int4 block size'),
    run: l10n.t('Quantize and Measure'),
    cancel: l10n.t('Cancel'),
    variant: l10n.t('variant'),
    file: l10n.t('file'),
    size: l10n.t('size on disk'),
    load: l10n.t('load'),
    prefill: l10n.t('prefill tok/s'),
    decode: l10n.t('decode tok/s'),
    perplexity: l10n.t('perplexity'),
    agreement: l10n.t('top-1 = fp32'),
    kl: l10n.t('mean KL to fp32 (nats)'),
    measuredOn: l10n.t('{0} tokens of {1}, in windows of {2}; int4 blocks of {3}. Speeds are this machine\'s, now.'),
    flipsTitle: l10n.t('Tokens whose top-1 prediction differs from fp32'),
    flipsOf: l10n.t('Variant'),
    flipsNone: l10n.t('No flips in the text shown.'),
    matricesTitle: l10n.t('Weight error per matrix (ŵ − w) and the outliers that set the scales'),
    matrix: l10n.t('matrix'),
    scheme: l10n.t('scheme'),
    scales: l10n.t('scales'),
    maxError: l10n.t('max |error|'),
    rmsError: l10n.t('RMS error'),
    histogram: l10n.t('Histogram of quantization errors of'),
    outliers: l10n.t('Largest weights that set a scale:'),
    outlier: l10n.t('[{0}, {1}] = {2} → scale {3}'),
    noResult: l10n.t('Nothing measured yet: choose a text and press Quantize and Measure.'),
  };
}
