// The scaling law of Kaplan et al. 2020 ("Scaling Laws for Neural Language Models", eq. 1.1 with
// the irreducible loss of Hoffmann et al. 2022, eq. 2):
//
//   L(N) = E + A · N^(−α)        N: non-embedding parameters, L: validation loss in nats per token
//
// fitted by least squares in log space, as Hoffmann et al. fit theirs (their eq. 4, with squares
// instead of Huber): minimise Σᵢ (log Lᵢ − log(E + A·Nᵢ^(−α)))² over E ≥ 0, A > 0, α. Log space
// weighs a 1% miss the same at every size, so the smallest model's large loss does not dominate.
//
// The three parameters are searched with Nelder–Mead over (log E, log A, α), started from a few
// guesses of E (for a fixed E the law is a straight line in log-log space, log(L − E) = log A −
// α·log N, which gives A and α by linear regression). The interval for α comes from a residual
// bootstrap: the log residuals of the fit are resampled onto the fitted curve and the law fitted
// again; a point bootstrap would leave out whole sizes, and with four or five sizes that leaves
// too few to fit three parameters.

import { Mulberry32 } from '../generate/random';

export interface ScalingPoint {
  /** Non-embedding parameters. */
  readonly n: number;
  /** Validation loss, nats per token. */
  readonly loss: number;
}

export interface PowerLaw {
  readonly e: number;
  readonly a: number;
  readonly alpha: number;
}

export interface PowerLawFit extends PowerLaw {
  /** Root mean square of the log residuals. */
  readonly rmsLogResidual: number;
  /** 2.5th and 97.5th percentile of α over the bootstrap fits. */
  readonly alphaInterval: readonly [number, number];
  readonly bootstrapSamples: number;
}

export const predictLoss = (law: PowerLaw, n: number): number => law.e + law.a * n ** -law.alpha;

function logSquaredError(points: readonly ScalingPoint[], law: PowerLaw): number {
  let sum = 0;
  for (const p of points) sum += (Math.log(p.loss) - Math.log(predictLoss(law, p.n))) ** 2;
  return sum;
}

/** Nelder–Mead simplex minimisation (reflection 1, expansion 2, contraction ½, shrink ½). */
function nelderMead(f: (x: number[]) => number, start: number[], step: number[], iterations = 2000): number[] {
  const dim = start.length;
  let simplex = [start, ...step.map((s, i) => start.map((v, j) => (j === i ? v + s : v)))].map((x) => ({ x, fx: f(x) }));
  for (let it = 0; it < iterations; it++) {
    simplex.sort((p, q) => p.fx - q.fx);
    const best = simplex[0];
    const worst = simplex[dim];
    if (Math.abs(worst.fx - best.fx) <= 1e-15 * (1 + Math.abs(best.fx))) break;
    const centroid = start.map((_, j) => simplex.slice(0, dim).reduce((s, p) => s + p.x[j], 0) / dim);
    const along = (t: number) => centroid.map((c, j) => c + t * (worst.x[j] - c));
    const reflected = along(-1);
    const fr = f(reflected);
    if (fr < best.fx) {
      const expanded = along(-2);
      const fe = f(expanded);
      simplex[dim] = fe < fr ? { x: expanded, fx: fe } : { x: reflected, fx: fr };
    } else if (fr < simplex[dim - 1].fx) {
      simplex[dim] = { x: reflected, fx: fr };
    } else {
      const contracted = along(0.5);
      const fc = f(contracted);
      if (fc < worst.fx) simplex[dim] = { x: contracted, fx: fc };
      else {
        // Shrink every vertex halfway towards the best one.
        simplex = simplex.map((p, i) => {
          if (i === 0) return p;
          const x = p.x.map((v, j) => best.x[j] + 0.5 * (v - best.x[j]));
          return { x, fx: f(x) };
        });
      }
    }
  }
  simplex.sort((p, q) => p.fx - q.fx);
  return simplex[0].x;
}

/** Straight line through (log N, log(L − E)): the law's A and α for a fixed E. */
function lineForFixedE(points: readonly ScalingPoint[], e: number): PowerLaw {
  const xs = points.map((p) => Math.log(p.n));
  const ys = points.map((p) => Math.log(p.loss - e));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  return { e, a: Math.exp(my - slope * mx), alpha: -slope };
}

/** The least-squares law through the points (no interval). */
export function fitPowerLawPoint(points: readonly ScalingPoint[]): PowerLaw & { readonly error: number } {
  const minLoss = Math.min(...points.map((p) => p.loss));
  // E is kept positive through log E; exp(−30) stands for "no irreducible loss".
  const toLaw = (x: number[]): PowerLaw => ({ e: Math.exp(x[0]), a: Math.exp(x[1]), alpha: x[2] });
  const objective = (x: number[]) => {
    const value = logSquaredError(points, toLaw(x));
    return Number.isFinite(value) ? value : Number.MAX_VALUE;
  };
  let best: { law: PowerLaw; error: number } | undefined;
  for (const fraction of [0, 0.5, 0.8, 0.95]) {
    const guess = lineForFixedE(points, fraction * minLoss);
    const x = nelderMead(objective, [Math.log(Math.max(guess.e, 1e-13)), Math.log(guess.a), guess.alpha], [1, 1, 0.1]);
    const law = toLaw(x);
    const error = objective(x);
    if (!best || error < best.error) best = { law, error };
  }
  const law = best?.law as PowerLaw;
  return { ...law, e: law.e < 1e-12 ? 0 : law.e, error: best?.error ?? NaN };
}

/** Fits L(N) = E + A·N^(−α) and a bootstrap interval for α. Needs three sizes at least. */
export function fitPowerLaw(points: readonly ScalingPoint[], options: { bootstrapSamples?: number; seed?: number } = {}): PowerLawFit {
  const sizes = new Set(points.map((p) => p.n));
  if (sizes.size < 3) throw new Error(`a fit of E, A and α needs losses at 3 model sizes or more, got ${sizes.size}`);
  for (const p of points) {
    if (!(p.n > 0 && p.loss > 0 && Number.isFinite(p.loss))) throw new Error(`every point needs N > 0 and a finite loss > 0 (got N ${p.n}, loss ${p.loss})`);
  }
  const fit = fitPowerLawPoint(points);
  // Fitted residuals are smaller than the noise by √((n − 3)/n) (three parameters were fitted to
  // them), so they are scaled back up before resampling (Davison & Hinkley 1997, §6.2.3).
  const inflate = points.length > 3 ? Math.sqrt(points.length / (points.length - 3)) : 1;
  const residuals = points.map((p) => inflate * (Math.log(p.loss) - Math.log(predictLoss(fit, p.n))));
  const samples = options.bootstrapSamples ?? 200;
  const random = new Mulberry32(options.seed ?? 1);
  const alphas: number[] = [];
  for (let b = 0; b < samples; b++) {
    const resampled = points.map((p) => ({ n: p.n, loss: predictLoss(fit, p.n) * Math.exp(residuals[random.nextInt(residuals.length)]) }));
    alphas.push(fitPowerLawPoint(resampled).alpha);
  }
  alphas.sort((x, y) => x - y);
  const percentile = (q: number) => alphas[Math.min(alphas.length - 1, Math.max(0, Math.round(q * (alphas.length - 1))))];
  return {
    e: fit.e, a: fit.a, alpha: fit.alpha,
    rmsLogResidual: Math.sqrt(fit.error / points.length),
    alphaInterval: samples > 0 ? [percentile(0.025), percentile(0.975)] : [fit.alpha, fit.alpha],
    bootstrapSamples: samples,
  };
}
