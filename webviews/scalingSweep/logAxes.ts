// The arithmetic of a log-log plot: a power law y = A·x^(−α) is a straight line once both axes are
// logarithmic (log y = log A − α·log x), which is why scaling laws are drawn this way. Plain
// functions, no DOM, so the unit tests check them.

/** [lo, hi] in log10 covering every positive value, widened by `pad` (a fraction of the span) each side. */
export function logDomain(values: readonly number[], pad = 0.08): [number, number] {
  const logs = values.filter((v) => Number.isFinite(v) && v > 0).map(Math.log10);
  if (logs.length === 0) return [0, 1];
  let lo = Math.min(...logs);
  let hi = Math.max(...logs);
  // A single value (or all equal) still gets a visible span: a tenth of a decade each side.
  if (hi - lo < 1e-9) [lo, hi] = [lo - 0.1, hi + 0.1];
  const margin = (hi - lo) * pad;
  return [lo - margin, hi + margin];
}

/**
 * Tick values between 10^lo and 10^hi: the powers of ten when the span holds two or more of them,
 * else 1, 2 and 5 times each power of ten (and, on a span under a factor of 3, every integer
 * multiple), so that a narrow axis, such as validation loss from 1.4 to 3.2, still has labels.
 */
export function logTicks(lo: number, hi: number): number[] {
  const inside = (v: number) => Math.log10(v) >= lo - 1e-9 && Math.log10(v) <= hi + 1e-9;
  const decades: number[] = [];
  for (let e = Math.ceil(lo - 1e-9); e <= Math.floor(hi + 1e-9); e++) decades.push(10 ** e);
  if (decades.length >= 2) return decades;
  const multiples = hi - lo < Math.log10(3) ? [1, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9] : [1, 2, 5];
  const ticks: number[] = [];
  for (let e = Math.floor(lo) - 1; e <= Math.ceil(hi); e++) {
    for (const m of multiples) {
      const value = Number((m * 10 ** e).toPrecision(6));
      if (inside(value)) ticks.push(value);
    }
  }
  return ticks;
}

/** Maps a positive value onto [from, to] pixels by its log10 within [lo, hi]; `to` may be less than `from` (a y axis). */
export function logScale(lo: number, hi: number, from: number, to: number): (value: number) => number {
  return (value) => from + ((Math.log10(value) - lo) / (hi - lo)) * (to - from);
}

export interface Law {
  readonly e: number;
  readonly a: number;
  readonly alpha: number;
}

/** `count` points of L(N) = E + A·N^(−α), evenly spaced in log N from `nFrom` to `nTo`. */
export function lawCurve(law: Law, nFrom: number, nTo: number, count = 48): [number, number][] {
  const lo = Math.log10(nFrom);
  const step = (Math.log10(nTo) - lo) / (count - 1);
  return Array.from({ length: count }, (_, i) => {
    const n = 10 ** (lo + i * step);
    return [n, law.e + law.a * n ** -law.alpha];
  });
}

/** Short labels for ticks: thousands as 6.59k, a million and more as 2e6 (FLOPs read best so), losses as 1.5, 2, 3. */
export function tickLabel(value: number): string {
  if (value >= 1e3 && value < 1e6) return `${Number((value / 1e3).toPrecision(3))}k`;
  if (value >= 1e6 || value < 0.01) return value.toExponential(0).replace('e+', 'e');
  return String(Number(value.toPrecision(3)));
}
