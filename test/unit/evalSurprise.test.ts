// Surprise over a file: each token's −ln p against the reference forward pass window by window,
// its mean against the `eval` command's loss, and rank, alternatives and calibration against a
// hand computation from the same reference rows.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { evalCommand } from '../../extension/engine/cli/eval';
import { CalibrationCounter } from '../../extension/engine/eval/calibration';
import { type EvalModel, openEvalModel } from '../../extension/engine/eval/evalModel';
import { scoreSurprise } from '../../extension/engine/eval/surprise';
import type { TensorMap } from '../../extension/engine/gpt/tensor';
import { referenceLogSoftmax, withStart, writeEvalModel } from './evalFixture';
import { makeTempDir, removeTempDir } from './modelFolderFixtures';

/** The reference's ln-softmax row that predicts tokens[t], with the windows scoreTokens uses. */
function referenceRows(weights: TensorMap, tokens: number[], window: number, stride: number): number[][] {
  const rows: number[][] = [];
  let scoredUpTo = 1;
  for (let begin = 0; scoredUpTo < tokens.length; begin += stride) {
    const slice = tokens.slice(begin, begin + window);
    const logSoftmax = referenceLogSoftmax(weights, slice);
    // The window's last row also predicts the token just past it.
    for (let t = Math.max(scoredUpTo, begin + 1); t <= Math.min(begin + slice.length, tokens.length - 1); t++) rows[t] = logSoftmax[t - 1 - begin];
    scoredUpTo = Math.min(begin + slice.length + 1, tokens.length);
  }
  return rows;
}

describe('eval: surprise', function () {
  this.timeout(60_000);
  let temp: string;
  let weights: TensorMap;
  let lm: EvalModel;
  const text = 'The cat sat on the mat. The dog sat on the log. Héllo, wörld! Then the cat ran to the big red door.';

  before(async () => {
    temp = makeTempDir('eval-surprise');
    const model = writeEvalModel(temp);
    weights = model.weights;
    lm = await openEvalModel(model.dir, { threads: 1 });
    fs.writeFileSync(path.join(temp, 'text.txt'), text);
  });
  after(async () => {
    await lm.release();
    removeTempDir(temp);
  });

  it("gives every token −ln p(x_t | x_<t) of the reference forward pass, over windows with a stride", async () => {
    const report = await scoreSurprise(lm, text, { window: 32, stride: 8 });
    const tokens = withStart(text);
    const rows = referenceRows(weights, tokens, 32, 8);
    assert.equal(report.tokens.length, tokens.length - 1);
    report.tokens.forEach((token, i) => {
      const t = i + 1;
      assert.equal(token.id, tokens[t]);
      assert.ok(Math.abs(token.nats + rows[t][tokens[t]]) < 1e-4, `token ${t}: ${token.nats} vs ${-rows[t][tokens[t]]}`);
      const sorted = rows[t].map((lp, id) => ({ id, lp })).sort((a, b) => b.lp - a.lp || a.id - b.id);
      assert.equal(token.rank, 1 + rows[t].filter((lp) => lp > rows[t][tokens[t]]).length);
      assert.deepEqual(token.top.map((a) => a.id), sorted.slice(0, 5).map((a) => a.id));
      assert.ok(Math.abs(token.top[0].probability - Math.exp(sorted[0].lp)) < 1e-5);
    });
    // Offsets cover the text: the tokens' texts joined at their offsets give it back (é spans two byte tokens).
    assert.equal(report.tokens[0].start, 0);
    assert.equal(report.tokens[report.tokens.length - 1].end, text.length);
  });

  it("has the mean surprise the eval command reports as the loss, and its perplexity and bits per byte", async () => {
    const report = await scoreSurprise(lm, text, { window: 32, stride: 8 });
    const lines: string[] = [];
    const [log, error, write] = [console.log, console.error, process.stderr.write];
    console.log = (...parts: unknown[]) => lines.push(parts.join(' '));
    console.error = () => undefined;
    process.stderr.write = () => true;
    try {
      await evalCommand.run(['--model', path.join(temp, 'model'), '--file', path.join(temp, 'text.txt'), '--window', '32', '--stride', '8', '--threads', '1']);
    } finally {
      [console.log, console.error, process.stderr.write] = [log, error, write];
    }
    const printed = (key: string) => Number(lines.find((l) => l.startsWith(key))?.slice(11).split(' ')[0]);
    const mean = report.tokens.reduce((s, t) => s + t.nats, 0) / report.tokens.length;
    assert.equal(Number(mean.toFixed(4)), printed('loss'));
    assert.equal(Number(report.evaluation.loss.toFixed(4)), printed('loss'));
    assert.equal(Number(report.evaluation.perplexity.toFixed(3)), printed('perplexity'));
    assert.equal(Number(report.evaluation.bitsPerByte.toFixed(4)), printed('bits/byte'));
  });

  it('bins the first choices for the reliability diagram: ECE = Σ n_b/N |accuracy_b − confidence_b|', async () => {
    const report = await scoreSurprise(lm, text, { calibrationBins: 4 });
    const tokens = withStart(text);
    const rows = referenceRows(weights, tokens, 256, 128);
    const bins = Array.from({ length: 4 }, () => ({ n: 0, conf: 0, right: 0 }));
    for (let t = 1; t < tokens.length; t++) {
      const best = rows[t].indexOf(Math.max(...rows[t]));
      const confidence = Math.exp(rows[t][best]);
      const bin = bins[Math.min(3, Math.floor(confidence * 4))];
      bin.n++;
      bin.conf += confidence;
      bin.right += best === tokens[t] ? 1 : 0;
    }
    const N = tokens.length - 1;
    const ece = bins.reduce((s, b) => s + (b.n ? (b.n / N) * Math.abs(b.right / b.n - b.conf / b.n) : 0), 0);
    assert.deepEqual(report.calibration.bins.map((b) => b.count), bins.map((b) => b.n));
    assert.ok(Math.abs(report.calibration.ece - ece) < 1e-5);
  });

  it('computes ECE by hand on a few pairs, the top confidence 1.0 in the last bin', () => {
    const counter = new CalibrationCounter(2);
    for (const [confidence, correct] of [[0.2, false], [0.4, true], [0.9, true], [1.0, true]] as const) counter.add(confidence, correct);
    const result = counter.result();
    // bin 0: confidence 0.3, accuracy 0.5; bin 1: confidence 0.95, accuracy 1
    assert.deepEqual(result.bins.map((b) => b.count), [2, 2]);
    assert.ok(Math.abs(result.ece - (0.5 * 0.2 + 0.5 * 0.05)) < 1e-12);
    assert.equal(result.accuracy, 0.75);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(scoreSurprise(lm, text, { signal: controller.signal }), { name: 'AbortError' });
  });
});
