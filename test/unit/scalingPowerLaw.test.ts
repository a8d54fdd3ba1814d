import * as assert from 'node:assert/strict';
import { Mulberry32 } from '../../extension/engine/generate/random';
import { fitPowerLaw, fitPowerLawPoint, predictLoss } from '../../extension/engine/scalingSweep/powerLawFit';

const SIZES = [3e3, 1e4, 3e4, 1e5, 3e5, 1e6];

describe('scaling sweep: power-law fit L(N) = E + A·N^(−α)', () => {
  it('recovers E, A and α from exact points', () => {
    const truth = { e: 1.7, a: 40, alpha: 0.34 };
    const fit = fitPowerLawPoint(SIZES.map((n) => ({ n, loss: predictLoss(truth, n) })));
    assert.ok(Math.abs(fit.alpha - truth.alpha) < 1e-3, `α ${fit.alpha}`);
    assert.ok(Math.abs(fit.e - truth.e) < 1e-2, `E ${fit.e}`);
    assert.ok(Math.abs(Math.log(fit.a / truth.a)) < 1e-2, `A ${fit.a}`);
  });

  it('recovers a pure power law (E = 0) with Kaplan’s exponent', () => {
    const truth = { e: 0, a: 8.8e13 ** 0.076, alpha: 0.076 };
    const fit = fitPowerLawPoint(SIZES.map((n) => ({ n, loss: predictLoss(truth, n) })));
    assert.ok(Math.abs(fit.alpha - 0.076) < 2e-3, `α ${fit.alpha}`);
    for (const n of SIZES) assert.ok(Math.abs(predictLoss(fit, n) / predictLoss(truth, n) - 1) < 1e-4);
  });

  it('brackets the true α with its bootstrap interval in most of 20 noisy sweeps', () => {
    // 1% multiplicative noise on six sizes. A nominal 95% interval from so few points covers less
    // than 95% (about 80% here); the test asks for 14 of 20 and for each interval to hold its estimate.
    const truth = { e: 2, a: 30, alpha: 0.3 };
    let covered = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const random = new Mulberry32(seed);
      const points = SIZES.map((n) => ({ n, loss: predictLoss(truth, n) * Math.exp(0.01 * (random.next() - 0.5)) }));
      const fit = fitPowerLaw(points, { bootstrapSamples: 60, seed });
      const [low, high] = fit.alphaInterval;
      assert.ok(low <= fit.alpha && fit.alpha <= high && low < high, `${low} ≤ ${fit.alpha} ≤ ${high}`);
      assert.ok(fit.rmsLogResidual > 0 && fit.rmsLogResidual < 0.01);
      if (low < truth.alpha && truth.alpha < high) covered++;
    }
    assert.ok(covered >= 14, `the interval held α = 0.3 in ${covered} of 20 sweeps`);
  });

  it('refuses fewer than three sizes and losses that are not positive', () => {
    assert.throws(() => fitPowerLaw([{ n: 1e3, loss: 3 }, { n: 1e4, loss: 2.5 }]), /3 model sizes/);
    assert.throws(() => fitPowerLaw([{ n: 1e3, loss: 3 }, { n: 1e4, loss: 0 }, { n: 1e5, loss: 2 }]), /finite loss > 0/);
  });
});
