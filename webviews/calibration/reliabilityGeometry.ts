// Where the reliability diagram's marks go. Each bin of confidence [low, high) becomes a bar as
// wide as the bin whose height is the bin's accuracy; a tick at the bin's mean confidence shows
// where the bar would end if the model were calibrated, and the band between the two is the gap
// |accuracy − confidence| that the expected calibration error averages (weighted by the counts).
// Pure arithmetic, kept apart from the drawing so it can be tested.
import type { BinView } from './protocol';

/** The plot area inside the SVG's viewBox: probability 0..1 maps to left..right and bottom..top. */
export interface PlotBox {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface BarMarks {
  readonly bin: BinView;
  readonly x: number;
  readonly width: number;
  /** Top of the accuracy bar (its bottom is the plot's bottom). */
  readonly accuracyY: number;
  /** Height of the line the calibrated model's bar would reach: the bin's mean confidence. */
  readonly confidenceY: number;
  /** accuracy − confidence: negative where the model is over-confident, positive where under-confident. */
  readonly gap: number;
}

export const xOf = (box: PlotBox, p: number) => box.left + p * box.width;
export const yOf = (box: PlotBox, p: number) => box.top + (1 - p) * box.height;

/** The marks of the bins that hold at least one prediction (an empty bin has no accuracy to draw). */
export function barMarks(bins: readonly BinView[], box: PlotBox): BarMarks[] {
  return bins
    .filter((bin) => bin.count > 0)
    .map((bin) => ({
      bin,
      x: xOf(box, bin.low),
      width: xOf(box, bin.high) - xOf(box, bin.low),
      accuracyY: yOf(box, bin.accuracy),
      confidenceY: yOf(box, bin.confidence),
      gap: bin.accuracy - bin.confidence,
    }));
}

/** Each bin's share of the expected calibration error: (n_b / N) · |accuracy_b − confidence_b|; they sum to the ECE. */
export function eceShares(bins: readonly BinView[]): number[] {
  const total = bins.reduce((sum, b) => sum + b.count, 0);
  return bins.map((b) => (total ? (b.count / total) * Math.abs(b.accuracy - b.confidence) : 0));
}

/** Below this mean gap (2 percentage points) the model is called calibrated on average. */
export const CALIBRATED_WITHIN = 0.02;

/**
 * Which way the model errs on average: the mean of accuracy − confidence over the predictions,
 * Σ_b (n_b / N)(accuracy_b − confidence_b), and 'over' when it is right less often than it is sure.
 * Unlike the ECE, gaps of opposite sign cancel here.
 */
export function leaning(bins: readonly BinView[]): { readonly meanGap: number; readonly verdict: 'over' | 'under' | 'calibrated' } {
  const total = bins.reduce((sum, b) => sum + b.count, 0);
  const meanGap = total ? bins.reduce((sum, b) => sum + (b.count / total) * (b.accuracy - b.confidence), 0) : 0;
  const verdict = Math.abs(meanGap) < CALIBRATED_WITHIN ? 'calibrated' : meanGap < 0 ? 'over' : 'under';
  return { meanGap, verdict };
}
