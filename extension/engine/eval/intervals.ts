// Uncertainty of a suite's figures: a score measured on a few dozen items is an estimate.
//
// Wilson score interval for a proportion (accuracy k/n), 95% with z = 1.96:
//   centre = (p̂ + z²/2n) / (1 + z²/n),  half-width = z·√(p̂(1−p̂)/n + z²/4n²) / (1 + z²/n)
// It stays inside [0, 1] and keeps a sensible width at 0/n and n/n, where p̂ ± z·√(p̂(1−p̂)/n) does not.
//
// Percentile bootstrap of a mean (Efron 1979): draw `resamples` samples of n items with
// replacement, take each one's mean, and report the 2.5th and 97.5th percentiles of those means.
// It assumes nothing about the distribution of the items; with few items it is too narrow (it
// cannot see values the sample did not hold), so the report says how many items it rests on.

import { Mulberry32 } from '../generate/random';

export interface Interval {
  readonly low: number;
  readonly high: number;
}

const Z95 = 1.959963984540054;

export function wilsonInterval(successes: number, n: number, z = Z95): Interval {
  if (n === 0) return { low: 0, high: 1 };
  const p = successes / n;
  const denominator = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denominator;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** The q-quantile of sorted values, interpolated linearly between neighbours (numpy's default). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const at = q * (sorted.length - 1);
  const below = Math.floor(at);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (at - below);
}

export function bootstrapMeanInterval(values: readonly number[], options: { resamples?: number; seed?: number; level?: number } = {}): Interval {
  const n = values.length;
  if (n === 0) throw new Error('a bootstrap interval needs at least one value');
  const resamples = options.resamples ?? 2000;
  const alpha = (1 - (options.level ?? 0.95)) / 2;
  const random = new Mulberry32(options.seed ?? 0);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[random.nextInt(n)];
    means[r] = sum / n;
  }
  means.sort();
  return { low: quantile(means, alpha), high: quantile(means, 1 - alpha) };
}
