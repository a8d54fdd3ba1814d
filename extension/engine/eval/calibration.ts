// Calibration of next-token predictions: when the model's first choice has probability 0.7, is it
// right 70% of the time? Each scored position gives one (confidence, correct) pair: the top
// token's probability, and whether the top token is the one that came. The pairs are grouped into
// equal-width bins of confidence; the reliability diagram draws each bin's accuracy against its
// mean confidence, and the expected calibration error weighs the gaps by the bins' sizes:
//   ECE = Σ_b (n_b / N) · |accuracy_b − confidence_b|        (Guo et al. 2017, "On Calibration")
// A perfectly calibrated model has ECE 0; the bins' count makes the estimate coarse or noisy.

export interface ReliabilityBin {
  /** Confidence range [low, high); the last bin includes 1. */
  readonly low: number;
  readonly high: number;
  readonly count: number;
  /** Mean confidence and fraction correct of the pairs in the bin (0 when it is empty). */
  readonly confidence: number;
  readonly accuracy: number;
}

export interface Calibration {
  readonly bins: readonly ReliabilityBin[];
  readonly count: number;
  readonly ece: number;
  /** Fraction of positions where the first choice was right (top-1 accuracy). */
  readonly accuracy: number;
}

/** Collects (confidence, correct) pairs one at a time, so a long file needs no list of them. */
export class CalibrationCounter {
  private readonly counts: Float64Array;
  private readonly confidenceSums: Float64Array;
  private readonly correct: Float64Array;

  constructor(readonly binCount = 10) {
    if (!Number.isInteger(binCount) || binCount < 1) throw new Error(`the number of calibration bins must be a positive integer, not ${binCount}`);
    this.counts = new Float64Array(binCount);
    this.confidenceSums = new Float64Array(binCount);
    this.correct = new Float64Array(binCount);
  }

  add(confidence: number, correct: boolean): void {
    const bin = Math.min(this.binCount - 1, Math.floor(confidence * this.binCount));
    this.counts[bin]++;
    this.confidenceSums[bin] += confidence;
    if (correct) this.correct[bin]++;
  }

  result(): Calibration {
    let count = 0;
    let right = 0;
    for (let b = 0; b < this.binCount; b++) {
      count += this.counts[b];
      right += this.correct[b];
    }
    let ece = 0;
    const bins = Array.from({ length: this.binCount }, (_, b): ReliabilityBin => {
      const n = this.counts[b];
      const confidence = n ? this.confidenceSums[b] / n : 0;
      const accuracy = n ? this.correct[b] / n : 0;
      ece += count ? (n / count) * Math.abs(accuracy - confidence) : 0;
      return { low: b / this.binCount, high: (b + 1) / this.binCount, count: n, confidence, accuracy };
    });
    return { bins, count, ece, accuracy: count ? right / count : 0 };
  }
}
