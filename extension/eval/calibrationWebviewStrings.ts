// The Calibration panel's strings, translated in the host so l10n/bundle.l10n.json is the one
// place translators work. {0}, {1}... are filled in by the webview.
import { l10n } from 'vscode';
import type { CalibrationStrings } from '../../webviews/calibration/strings';

export function calibrationWebviewStrings(): CalibrationStrings {
  return {
    heading: l10n.t('Calibration of {0} under {1}'),
    figures: l10n.t('{0} predictions · first choice right {1} of the time (top-1 accuracy) · expected calibration error {2}'),
    confidenceAxis: l10n.t('confidence: probability of the first choice'),
    accuracyAxis: l10n.t('accuracy: fraction right'),
    diagonal: l10n.t('calibrated: accuracy = confidence'),
    accuracyBars: l10n.t('accuracy of the bin'),
    gapBand: l10n.t('gap to its mean confidence'),
    countLabel: l10n.t('Above each bar: how many predictions fell in its bin.'),
    diagramLabel: l10n.t('Reliability diagram of {0}: top-1 accuracy {1}, expected calibration error {2}. Each bar is one bin of confidence.'),
    binLabel: l10n.t('confidence {0} to {1}: {2} predictions, mean confidence {3}, right {4} of the time'),
    over: l10n.t('On average the model is over-confident: accuracy − confidence = {0} points, so its first choice is right less often than its probability says.'),
    under: l10n.t('On average the model is under-confident: accuracy − confidence = {0} points, so its first choice is right more often than its probability says.'),
    calibrated: l10n.t('On average the first choice is right about as often as its probability says (accuracy − confidence = {0} points); the ECE adds up the gaps of single bins, which go both ways.'),
    explanation: l10n.t(
      'At every position of the file the model gives the next token a probability distribution; its first choice has some probability, the confidence, and is either the token that came or not. The predictions are grouped by confidence into bins, and each bar shows how often the first choice was right in its bin. A calibrated model is right 70% of the time when it says 0.7, so its bars reach the dashed diagonal. Bars below the diagonal (the red line of mean confidence above the bar) are over-confident bins: the model is surer than it is right. Bars above it are under-confident. The expected calibration error is the gap of each bin weighted by its share of the predictions (Guo et al. 2017); bins with few predictions are noisy, so read the counts before the gaps.',
    ),
    empty: l10n.t('No file is scored yet. Run "LLM Pipeline: Show Calibration" on an open file, or click the perplexity in the status bar after Show Surprise.'),
    exportSvg: l10n.t('Save as SVG'),
    exportPng: l10n.t('Save as PNG'),
  };
}
