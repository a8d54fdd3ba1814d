// The samplers' promises, each checked against a direct reading of its definition.

import { strict as assert } from 'node:assert';
import { applyRepetitionPenalty, applyTemperature, countKept, minP, topK, topP } from '../../extension/engine/generate/filters';
import { argmax, logSoftmax, logSumExp, softmax } from '../../extension/engine/generate/probabilities';
import { descendingOrder, topIndices } from '../../extension/engine/generate/ranking';
import { Mulberry32 } from '../../extension/engine/generate/random';
import {
  drawToken,
  forceToken,
  sampleToken,
  samplingDistribution,
  validateSamplerSettings,
} from '../../extension/engine/generate/samplingPipeline';

/** mulberry32 written from its C original with BigInt arithmetic, independent of Math.imul. */
function referenceMulberry32(seed: number, count: number): number[] {
  const mask = 0xffffffffn;
  let state = BigInt(seed >>> 0);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    state = (state + 0x6d2b79f5n) & mask;
    let z = state;
    z = ((z ^ (z >> 15n)) * (z | 1n)) & mask;
    z = (z ^ ((z + (((z ^ (z >> 7n)) * (z | 61n)) & mask)) & mask)) & mask;
    out.push(Number(z ^ (z >> 14n)));
  }
  return out;
}

/** Logits with distinct values, from a seeded generator. */
function randomLogits(seed: number, size: number, scale = 4): Float32Array {
  const rng = new Mulberry32(seed);
  return Float32Array.from({ length: size }, () => (rng.next() - 0.5) * 2 * scale);
}

const kept = (logits: Float32Array) => [...logits.keys()].filter((i) => logits[i] > -Infinity);
const cut = (logits: Float32Array) => [...logits.keys()].filter((i) => logits[i] === -Infinity);

describe('Mulberry32', () => {
  it('matches a BigInt transcription of the C original', () => {
    for (const seed of [0, 1, 42, 0xdeadbeef]) {
      const rng = new Mulberry32(seed);
      assert.deepEqual(Array.from({ length: 500 }, () => rng.nextUint32()), referenceMulberry32(seed, 500));
    }
  });

  it('continues the same sequence from its state', () => {
    const rng = new Mulberry32(7);
    for (let i = 0; i < 10; i++) rng.next();
    const resumed = new Mulberry32(rng.state);
    assert.deepEqual([rng.next(), rng.next()], [resumed.next(), resumed.next()]);
  });

  it('gives numbers in [0, 1) with mean near 1/2', () => {
    const rng = new Mulberry32(3);
    const draws = Array.from({ length: 20000 }, () => rng.next());
    assert.ok(draws.every((u) => u >= 0 && u < 1));
    assert.ok(Math.abs(draws.reduce((a, b) => a + b) / draws.length - 0.5) < 0.01);
  });
});

describe('softmax and friends', () => {
  it('softmax is exp(z/T) normalised, and gives -Infinity probability 0', () => {
    const z = [1, 2, 3, -Infinity];
    for (const T of [0.5, 1, 2]) {
      const e = z.map((v) => Math.exp(v / T));
      const total = e.reduce((a, b) => a + b);
      softmax(z, T).forEach((p, i) => assert.ok(Math.abs(p - e[i] / total) < 1e-12));
    }
    assert.equal(softmax(z)[3], 0);
  });

  it('softmax does not overflow on large logits', () => {
    const p = softmax([1000, 999]);
    assert.ok(Math.abs(p[0] - 1 / (1 + Math.exp(-1))) < 1e-12);
  });

  it('logSumExp is log Σ exp, also for large logits, skipping -Infinity', () => {
    assert.ok(Math.abs(logSumExp([1, 2, 3]) - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3))) < 1e-12);
    assert.ok(Math.abs(logSumExp([1000, 1000, -Infinity]) - (1000 + Math.log(2))) < 1e-9);
  });

  it('logSoftmax is the log of softmax', () => {
    const z = randomLogits(1, 50);
    const p = softmax(z);
    logSoftmax(z).forEach((lp, i) => assert.ok(Math.abs(lp - Math.log(p[i])) < 1e-9));
  });

  it('argmax returns the first largest', () => {
    assert.equal(argmax([1, 5, 5, 2]), 1);
  });

  it('topIndices equals sorting all indices, ties by lower index', () => {
    const rng = new Mulberry32(9);
    for (let trial = 0; trial < 50; trial++) {
      const values = Array.from({ length: 200 }, () => Math.floor(rng.next() * 10));
      const sorted = [...values.keys()].sort((a, b) => values[b] - values[a] || a - b);
      // Both ways of taking the first n: one pass (n ≤ 64) and the heap.
      for (const n of [0, 1, 5, 40, 64, 65, 150, 200, 250]) assert.deepEqual(topIndices(values, n), sorted.slice(0, n));
      assert.deepEqual([...descendingOrder(values)], sorted);
    }
  });

  it('descendingOrder and topIndices skip NaN and rank -Infinity last', () => {
    assert.deepEqual([...descendingOrder([NaN, -Infinity, 2, NaN, 3])], [4, 2, 1]);
    assert.deepEqual(topIndices([NaN, -Infinity, 2, NaN, 3], 5), [4, 2, 1]);
  });
});

describe('filters', () => {
  it('top-k keeps exactly the k largest logits', () => {
    for (let seed = 0; seed < 20; seed++) {
      const z = randomLogits(seed, 100);
      for (const k of [1, 3, 10, 99]) {
        const filtered = topK(z, k);
        assert.equal(kept(filtered).length, k);
        const smallestKept = Math.min(...kept(filtered).map((i) => z[i]));
        assert.ok(cut(filtered).every((i) => z[i] < smallestKept));
        kept(filtered).forEach((i) => assert.equal(filtered[i], z[i]));
      }
    }
  });

  it('top-p keeps the smallest most-probable set whose mass reaches p, also after top-k cut most tokens', () => {
    for (let seed = 0; seed < 40; seed++) {
      const z = seed < 20 ? randomLogits(seed, 60) : topK(randomLogits(seed, 60), 10);
      const probs = softmax(z);
      for (const p of [0.1, 0.5, 0.9, 0.99]) {
        const keptIds = kept(topP(z, p));
        const mass = keptIds.reduce((sum, i) => sum + probs[i], 0);
        const leastKept = Math.min(...keptIds.map((i) => probs[i]));
        assert.ok(mass >= p, `mass ${mass} < p ${p}`);
        assert.ok(mass - leastKept < p, 'a smaller set would also reach p');
        assert.ok(cut(topP(z, p)).every((i) => probs[i] < leastKept), 'a cut token is more probable than a kept one');
      }
    }
  });

  it('top-p of 1 keeps every token', () => {
    assert.equal(kept(topP(randomLogits(2, 30), 1)).length, 30);
  });

  it('min-p keeps exactly the tokens with p >= min_p * p_max', () => {
    for (let seed = 0; seed < 20; seed++) {
      const z = randomLogits(seed, 80);
      const probs = softmax(z);
      const pMax = Math.max(...probs);
      for (const m of [0.01, 0.1, 0.5, 1]) {
        const expected = [...probs.keys()].filter((i) => probs[i] >= m * pMax);
        assert.deepEqual(kept(minP(z, m)), expected);
      }
    }
  });

  it('repetition penalty divides positive and multiplies negative logits of seen tokens only', () => {
    const z = Float32Array.from([2, -2, 1, 0.5]);
    const out = applyRepetitionPenalty(z, [0, 1, 1], 2);
    assert.deepEqual(Array.from(out), [1, -4, 1, 0.5]);
    const before = softmax(z);
    const after = softmax(out);
    assert.ok(after[0] < before[0] && after[1] < before[1], 'seen tokens must become less likely');
    assert.ok(after[2] > before[2] && after[3] > before[3]);
  });

  it('greedy keeps only the first largest logit, as softmax over the filtered logits would say', () => {
    // The reference: cut every logit but the first largest (the greedy filter), then the general
    // pipeline's formulas, softmax and exp(z - logSumExp(z)), over the whole vocabulary.
    const rng = new Mulberry32(5);
    for (let trial = 0; trial < 20; trial++) {
      const z = Float32Array.from({ length: 300 }, () => Math.round(rng.next() * 40) / 4 - 5); // many ties
      const context = [3, 7, 7, argmax(z)];
      for (const repetitionPenalty of [1, 1.3]) {
        const penalized = repetitionPenalty === 1 ? z : applyRepetitionPenalty(z, context, repetitionPenalty);
        const filtered = penalized.map((v, i) => (i === argmax(penalized) ? v : -Infinity));
        const final = softmax(filtered);
        const { probabilities, trace } = samplingDistribution(z, { temperature: 0, repetitionPenalty }, context, 30);
        assert.deepEqual(Array.from(probabilities), Array.from(final));
        assert.deepEqual(trace.filters, [{ name: 'greedy', kept: countKept(filtered) }]);
        assert.deepEqual(trace.candidates.map((c) => c.token), topIndices(penalized, 30));
        for (const c of trace.candidates) {
          assert.equal(c.originalProbability, Math.exp(z[c.token] - logSumExp(z)));
          assert.equal(c.temperedProbability, Math.exp(penalized[c.token] - logSumExp(penalized)));
          assert.deepEqual(c.afterFilters, [Math.exp(filtered[c.token] - logSumExp(filtered))]);
          assert.equal(c.finalProbability, final[c.token]);
          assert.equal(c.cutBy, filtered[c.token] === -Infinity ? 'greedy' : null);
        }
      }
    }
  });

  it('temperature divides the logits', () => {
    assert.deepEqual(Array.from(applyTemperature(Float32Array.from([2, -4]), 2)), [1, -2]);
  });

  it('rejects settings outside their range', () => {
    assert.throws(() => topK(randomLogits(1, 5), 0), /top-k/);
    assert.throws(() => topP(randomLogits(1, 5), 1.5), /top-p/);
    assert.throws(() => minP(randomLogits(1, 5), -0.1), /min-p/);
    assert.throws(() => validateSamplerSettings({ temperature: -1 }), /temperature/);
    assert.throws(() => validateSamplerSettings({ temperature: 1, repetitionPenalty: 0 }), /repetition penalty/);
  });
});

describe('sampling pipeline', () => {
  it('temperature 0 and temperatures near 0 pick the argmax', () => {
    for (let seed = 0; seed < 30; seed++) {
      const z = Float32Array.from([0, 0.5, 1.5, 1, -1].map((v) => v + seed * 0.01));
      const rng = new Mulberry32(seed);
      for (const temperature of [0, 1e-7, 1e-3, 0.01]) {
        assert.equal(sampleToken(z, { temperature }, [], rng).token, 2, `T=${temperature}`);
      }
    }
  });

  it('greedy without a trace gives the token, probability, trace and random state of the full pipeline', () => {
    for (let seed = 0; seed < 20; seed++) {
      const z = randomLogits(seed, 64);
      z[seed % 7] = z[(seed % 7) + 30] = Math.max(...z) + 1; // a tie: the first index wins
      for (const settings of [{ temperature: 0 }, { temperature: 1e-7, repetitionPenalty: 1.5 }]) {
        const context = [seed % 7, 3];
        const fast = new Mulberry32(seed);
        const full = new Mulberry32(seed);
        const { probabilities, trace } = samplingDistribution(z, settings, context, 0);
        const token = drawToken(probabilities, full.next());
        assert.deepEqual(sampleToken(z, settings, context, fast, 0), { token, probability: probabilities[token], trace });
        assert.equal(fast.state, full.state);
      }
    }
  });

  it('samples follow the final distribution (chi-square, fixed seed)', () => {
    const z = Float32Array.from([2, 1.5, 1, 0.5, 0, -0.5]);
    const settings = { temperature: 0.8, topK: 4 };
    const { probabilities } = samplingDistribution(z, settings, []);
    const rng = new Mulberry32(2024);
    const draws = 20000;
    const counts = new Array<number>(z.length).fill(0);
    for (let i = 0; i < draws; i++) counts[sampleToken(z, settings, [], rng, 0).token]++;
    assert.equal(counts[4] + counts[5], 0, 'top-k cut tokens were drawn');
    const chiSquare = [0, 1, 2, 3].reduce((sum, i) => sum + (counts[i] - draws * probabilities[i]) ** 2 / (draws * probabilities[i]), 0);
    assert.ok(chiSquare < 16.27, `chi-square ${chiSquare} above the 0.1% critical value for 3 degrees of freedom`);
  });

  it('the same seed draws the same tokens', () => {
    const z = randomLogits(5, 50, 1);
    const draw = (seed: number) => {
      const rng = new Mulberry32(seed);
      return Array.from({ length: 30 }, () => sampleToken(z, { temperature: 1 }, [], rng).token);
    };
    assert.deepEqual(draw(11), draw(11));
    assert.notDeepEqual(draw(11), draw(12));
  });

  it('traces which filter cut each candidate and renormalises the survivors', () => {
    // Top-k 5 leaves probabilities ≈ .62 .23 .08 .03 .03; top-p 0.9 keeps three (.94);
    // renormalised they are .67 .25 .09 and min-p 0.2 (bar .13) cuts the third.
    const z = Float32Array.from([4, 3, 2, 1, 1, 0, -1, -2]);
    const { probabilities, trace } = samplingDistribution(z, { temperature: 1, topK: 5, topP: 0.9, minP: 0.2 }, [], 8);
    assert.deepEqual(
      trace.filters.map((f) => [f.name, f.kept]),
      [['top-k', 5], ['top-p', 3], ['min-p', 2]],
    );
    assert.deepEqual(
      trace.candidates.map((c) => [c.token, c.cutBy]),
      [[0, null], [1, null], [2, 'min-p'], [3, 'top-p'], [4, 'top-p'], [5, 'top-k'], [6, 'top-k'], [7, 'top-k']],
    );
    // After top-k the five survivors share the mass: exp(z) / Σ over the five.
    const topFive = [4, 3, 2, 1, 1].reduce((sum, v) => sum + Math.exp(v), 0);
    assert.ok(Math.abs(trace.candidates[2].afterFilters[0] - Math.exp(2) / topFive) < 1e-6);
    assert.deepEqual(trace.candidates[5].afterFilters, [0, 0, 0]);
    trace.candidates.forEach((c) => assert.ok(Math.abs((c.afterFilters.at(-1) ?? -1) - c.finalProbability) < 1e-12));
    const e = [Math.exp(4), Math.exp(3)];
    assert.ok(Math.abs(trace.candidates[0].finalProbability - e[0] / (e[0] + e[1])) < 1e-9);
    assert.ok(Math.abs(probabilities.reduce((a, b) => a + b) - 1) < 1e-12);
    trace.candidates.forEach((c) => assert.ok(Math.abs(c.originalProbability - softmax(z)[c.token]) < 1e-12));
  });

  it('applies the repetition penalty to tokens in the context and marks them', () => {
    const z = Float32Array.from([3, 2.9, 0]);
    const { trace } = samplingDistribution(z, { temperature: 0, repetitionPenalty: 1.5 }, [0]);
    assert.equal(trace.candidates[0].token, 1, 'the penalised token should fall below token 1');
    assert.equal(trace.candidates.find((c) => c.token === 0)?.penalized, true);
    assert.deepEqual(trace.filters, [{ name: 'greedy', kept: 1 }]);
  });

  it('a forced token keeps its probability, 0 when a filter cut it', () => {
    const z = Float32Array.from([3, 2, 1]);
    assert.equal(forceToken(z, { temperature: 1, topK: 1 }, [], 2).probability, 0);
    assert.ok(Math.abs(forceToken(z, { temperature: 1 }, [], 2).probability - softmax(z)[2]) < 1e-12);
    assert.throws(() => forceToken(z, { temperature: 1 }, [], 3), /not in the vocabulary/);
  });

  it('drawToken inverts the cumulative distribution', () => {
    const p = Float64Array.from([0.2, 0, 0.5, 0.3]);
    assert.deepEqual([0, 0.19, 0.2, 0.69, 0.7, 0.999999].map((u) => drawToken(p, u)), [0, 0, 2, 2, 3, 3]);
  });
});
