// The reliability diagram's geometry (webviews/calibration/reliabilityGeometry.ts) on bins counted
// by the engine's CalibrationCounter: bars where the figures say, the per-bin shares summing to an
// ECE computed here directly from the (confidence, correct) pairs, which way the model leans, and
// the panel's guard accepting the counter's bins as a saved state.
import * as assert from 'node:assert/strict';
import { CalibrationCounter } from '../../extension/engine/eval/calibration';
import { isCalibrationRequest } from '../../webviews/calibration/protocol';
import { barMarks, eceShares, leaning, xOf, yOf } from '../../webviews/calibration/reliabilityGeometry';

const BOX = { left: 50, top: 10, width: 300, height: 200 };

/** Pairs of (confidence, correct) from a seeded generator: right with probability `truth(confidence)`. */
function pairs(n: number, truth: (c: number) => number): [number, boolean][] {
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: n }, () => {
    const c = 0.05 + 0.95 * random();
    return [c, random() < truth(c)];
  });
}

/** ECE straight from the pairs: group by floor(c·B), weigh |mean correct − mean confidence| by the group's share. */
function directEce(list: [number, boolean][], bins: number): number {
  const groups = new Map<number, [number, boolean][]>();
  for (const p of list) {
    const b = Math.min(bins - 1, Math.floor(p[0] * bins));
    groups.set(b, [...(groups.get(b) ?? []), p]);
  }
  let ece = 0;
  for (const g of groups.values()) {
    const confidence = g.reduce((s, p) => s + p[0], 0) / g.length;
    const accuracy = g.filter((p) => p[1]).length / g.length;
    ece += (g.length / list.length) * Math.abs(accuracy - confidence);
  }
  return ece;
}

function counted(list: [number, boolean][], bins = 10) {
  const counter = new CalibrationCounter(bins);
  for (const [c, right] of list) counter.add(c, right);
  return counter.result();
}

describe('Calibration panel: reliability diagram geometry', () => {
  it('bars span their bins and reach their accuracy; the confidence line sits at the mean confidence; empty bins are not drawn', () => {
    const list: [number, boolean][] = [[0.15, true], [0.18, false], [0.72, true], [0.74, true], [0.76, false], [0.95, true]];
    const calibration = counted(list);
    const marks = barMarks(calibration.bins, BOX);
    assert.deepEqual(marks.map((m) => m.bin.low), [0.1, 0.7, 0.9]);
    const [low, middle] = marks;
    assert.equal(low.x, xOf(BOX, 0.1));
    assert.ok(Math.abs(low.width - BOX.width / 10) < 1e-9);
    assert.ok(Math.abs(low.accuracyY - (BOX.top + 0.5 * BOX.height)) < 1e-9);
    assert.ok(Math.abs(low.confidenceY - yOf(BOX, 0.165)) < 1e-9);
    assert.ok(low.gap > 0, 'right half the time at 16.5% confidence: under-confident');
    assert.ok(Math.abs(middle.gap - (2 / 3 - 0.74)) < 1e-9);
    assert.equal(yOf(BOX, 1), BOX.top);
    assert.equal(yOf(BOX, 0), BOX.top + BOX.height);
  });

  it('the bins\' shares sum to the ECE computed directly from the pairs', () => {
    const list = pairs(5000, (c) => c * c);
    const calibration = counted(list, 10);
    const shares = eceShares(calibration.bins);
    const sum = shares.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - directEce(list, 10)) < 1e-12, `${sum} vs ${directEce(list, 10)}`);
    assert.ok(Math.abs(sum - calibration.ece) < 1e-12);
  });

  it('a model right c² of the time at confidence c leans over-confident; one right √c of the time, under-confident; one right c of the time, calibrated', () => {
    const over = leaning(counted(pairs(20000, (c) => c * c)).bins);
    assert.equal(over.verdict, 'over');
    // E[c² − c] for c uniform on [0.05, 1]: ∫(c² − c) dc / 0.95 ≈ −0.158.
    const expected = ((1 / 3 - 0.05 ** 3 / 3) - (1 / 2 - 0.05 ** 2 / 2)) / 0.95;
    assert.ok(Math.abs(over.meanGap - expected) < 0.01, `${over.meanGap} vs ${expected}`);
    assert.equal(leaning(counted(pairs(20000, (c) => Math.sqrt(c))).bins).verdict, 'under');
    assert.equal(leaning(counted(pairs(20000, (c) => c)).bins).verdict, 'calibrated');
  });

  it('the panel\'s guard accepts the counter\'s bins as saved state and refuses a bin outside [0, 1]', () => {
    const c = counted(pairs(100, (x) => x));
    const view = { file: 'story.txt', scope: '/w/story.txt', model: 'tinystories-1m', bins: c.bins.map((b) => ({ ...b })), count: c.count, ece: c.ece, accuracy: c.accuracy };
    assert.ok(isCalibrationRequest({ type: 'ready', payload: { state: { view } } }));
    const broken = { ...view, bins: [{ ...view.bins[0], accuracy: 1.5 }] };
    assert.ok(!isCalibrationRequest({ type: 'ready', payload: { state: { view: broken } } }));
  });
});
