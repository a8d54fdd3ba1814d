// The suite's intervals: Wilson's against published values, the percentile bootstrap against the
// exact bootstrap distribution, enumerated over all n^n resamples of a small sample.

import * as assert from 'node:assert/strict';
import { bootstrapMeanInterval, quantile, wilsonInterval } from '../../extension/engine/eval/intervals';

/** Every resample of `values` with replacement, equally likely: the exact bootstrap distribution of the mean. */
function exactBootstrapMeans(values: number[]): Float64Array {
  const n = values.length;
  const means = new Float64Array(n ** n);
  for (let code = 0; code < means.length; code++) {
    let sum = 0;
    for (let i = 0, c = code; i < n; i++, c = Math.floor(c / n)) sum += values[c % n];
    means[code] = sum / n;
  }
  return means.sort();
}

describe('eval: intervals', () => {
  it('gives the Wilson 95% interval of Newcombe (1998) table examples', () => {
    // Newcombe, "Two-sided confidence intervals for the single proportion", Stat. Med. 17: 81/263 and 0/20.
    const a = wilsonInterval(81, 263);
    assert.equal(a.low.toFixed(4), '0.2553');
    assert.equal(a.high.toFixed(4), '0.3662');
    const b = wilsonInterval(0, 20);
    assert.equal(b.low, 0);
    assert.equal(b.high.toFixed(4), '0.1611');
  });

  it("matches the exact bootstrap distribution's 2.5th and 97.5th percentiles", () => {
    const values = [-0.8, 0.1, 0.3, 1.2, 2.9, -0.2];
    const exact = exactBootstrapMeans(values);
    const want = { low: quantile(exact, 0.025), high: quantile(exact, 0.975) };
    const got = bootstrapMeanInterval(values, { resamples: 40_000, seed: 3 });
    // Monte Carlo error of a percentile from 40,000 draws is about 0.01 here.
    assert.ok(Math.abs(got.low - want.low) < 0.03, `low ${got.low} vs ${want.low}`);
    assert.ok(Math.abs(got.high - want.high) < 0.03, `high ${got.high} vs ${want.high}`);
  });

  it('gives the same interval for the same seed, and a point for a constant sample', () => {
    const values = [1, 2, 3, 4];
    assert.deepEqual(bootstrapMeanInterval(values, { seed: 9 }), bootstrapMeanInterval(values, { seed: 9 }));
    assert.deepEqual(bootstrapMeanInterval([0.5, 0.5, 0.5]), { low: 0.5, high: 0.5 });
  });
});
