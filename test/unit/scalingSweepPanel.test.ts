// The Scaling Sweep panel's pure parts: the log-log axes its plots are drawn on (checked against
// the power law they exist to show as a straight line), and the guard on its webview's messages.
import * as assert from 'node:assert/strict';
import { lawCurve, logDomain, logScale, logTicks, tickLabel } from '../../webviews/scalingSweep/logAxes';
import { isScalingSweepRequest } from '../../webviews/scalingSweep/protocol';

describe('Scaling Sweep plot axes', () => {
  it('maps a power law onto a straight line: equal steps in log N give equal steps in pixels', () => {
    const [lo, hi] = logDomain([6592, 100096], 0);
    const x = logScale(lo, hi, 50, 470);
    assert.equal(x(6592), 50);
    assert.ok(Math.abs(x(100096) - 470) < 1e-9);
    // y = 3·x^(−0.5): with both axes logarithmic, the slope between any two points is the same.
    const yLaw = (n: number) => 3 * n ** -0.5;
    const y = logScale(Math.log10(yLaw(100096)), Math.log10(yLaw(6592)), 200, 10);
    const slope = (a: number, b: number) => (y(yLaw(b)) - y(yLaw(a))) / (x(b) - x(a));
    assert.ok(Math.abs(slope(7000, 9000) - slope(20_000, 90_000)) < 1e-9);
  });

  it('pads the domain and gives one value a visible span', () => {
    const [lo, hi] = logDomain([100, 10_000], 0.1);
    assert.ok(Math.abs(lo - 1.8) < 1e-12 && Math.abs(hi - 4.2) < 1e-12);
    assert.deepEqual(logDomain([1000], 0), [2.9, 3.1]);
    assert.deepEqual(logDomain([-1, 0, Number.NaN, 10], 0), [0.9, 1.1], 'values a log axis cannot show are ignored');
  });

  it('ticks at powers of ten over decades, at 1-2-5 over one decade, and more finely over a narrow span', () => {
    assert.deepEqual(logTicks(3.5, 11.2), [1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11]);
    assert.deepEqual(logTicks(Math.log10(30), Math.log10(900)), [50, 100, 200, 500]);
    // Validation losses from 1.4 to 3.2 nats: a factor of 2.3.
    assert.deepEqual(logTicks(Math.log10(1.4), Math.log10(3.2)), [1.5, 2, 2.5, 3]);
  });

  it('samples the fitted law evenly in log N, ending on both sizes', () => {
    const law = { e: 0.5, a: 40, alpha: 0.285 };
    const curve = lawCurve(law, 1000, 100_000, 3);
    assert.deepEqual(curve.map((p) => Math.round(p[0])), [1000, 10_000, 100_000]);
    for (const [n, loss] of curve) assert.ok(Math.abs(loss - (0.5 + 40 * n ** -0.285)) < 1e-12);
  });

  it('labels ticks briefly', () => {
    assert.deepEqual([6592, 2e6, 5e9, 2.5, 1e4, 0.005].map(tickLabel), ['6.59k', '2e6', '5e9', '2.5', '10k', '5e-3']);
  });
});

describe('Scaling Sweep messages', () => {
  const settings = { budgetFlops: 7e9, tokensPerParameter: 4 };

  it('accepts the requests the panel sends', () => {
    assert.ok(isScalingSweepRequest({ type: 'start', payload: { settings } }));
    assert.ok(isScalingSweepRequest({ type: 'chooseData', payload: { kind: 'sample' } }));
    assert.ok(isScalingSweepRequest({ type: 'check', payload: {} }));
    assert.ok(isScalingSweepRequest({ type: 'ready', payload: { state: { settings } } }));
  });

  it('refuses budgets and ratios out of range, unknown data kinds and extra fields', () => {
    assert.equal(isScalingSweepRequest({ type: 'start', payload: { settings: { ...settings, budgetFlops: 0 } } }), false);
    assert.equal(isScalingSweepRequest({ type: 'start', payload: { settings: { ...settings, budgetFlops: Number.POSITIVE_INFINITY } } }), false);
    assert.equal(isScalingSweepRequest({ type: 'start', payload: { settings: { ...settings, tokensPerParameter: -4 } } }), false);
    assert.equal(isScalingSweepRequest({ type: 'chooseData', payload: { kind: 'folder' } }), false);
    assert.equal(isScalingSweepRequest({ type: 'check', payload: { outDir: '/etc' } }), false);
    assert.equal(isScalingSweepRequest({ type: 'start', payload: { settings, dataPath: '/etc/passwd' } }), false);
  });
});
