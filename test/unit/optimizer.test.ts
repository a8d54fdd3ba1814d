// The optimizer graph (clipping, AdamW, SGD with momentum) against a plain TypeScript reference
// written from the papers' update rules, over several steps.
import * as assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../../extension/engine/onnx';
import { addOptimizerUpdate, stateNames, stepScalars, type OptimizerSettings } from '../../extension/engine/train/optimizerGraph';
import { Mulberry32 } from '../../extension/engine/generate/random';

const shapes = { w: [3, 4], b: [4] } as const;
type Name = keyof typeof shapes;
const names: Name[] = ['w', 'b'];

async function runGraph(settings: OptimizerSettings, params: Record<Name, Float32Array>, grads: Record<Name, Float32Array>[], lrs: number[], maxNorm: number) {
  const g = new GraphBuilder();
  const gradients = new Map<string, string>();
  for (const n of names) {
    g.input(n, 'float32', [...shapes[n]]);
    gradients.set(n, g.input(`grad_${n}`, 'float32', [...shapes[n]]));
  }
  const out = addOptimizerUpdate(g, settings, gradients, (n) => shapes[n as Name], (n) => n === 'w');
  g.output(out.gradNorm, { name: 'norm', dtype: 'float32', dims: [] });
  for (const u of out.updates) {
    g.output(u.next, { name: `next_${u.parameter}`, dtype: 'float32' });
    stateNames(settings, u.parameter).forEach((s, k) => g.output(u.nextState[k], { name: `next_${s}`, dtype: 'float32' }));
  }
  const session = await ort.InferenceSession.create(g.toBytes());
  const state = new Map<string, Float32Array>();
  for (const n of names) for (const s of stateNames(settings, n)) state.set(s, new Float32Array(params[n].length));
  let current = { ...params };
  const norms: number[] = [];
  for (let step = 0; step < grads.length; step++) {
    const feeds: Record<string, ort.Tensor> = {};
    for (const n of names) {
      feeds[n] = new ort.Tensor('float32', current[n], [...shapes[n]]);
      feeds[`grad_${n}`] = new ort.Tensor('float32', grads[step][n], [...shapes[n]]);
      for (const s of stateNames(settings, n)) feeds[s] = new ort.Tensor('float32', state.get(s) as Float32Array, [...shapes[n]]);
    }
    for (const [k, v] of Object.entries(stepScalars(settings, lrs[step], step, maxNorm))) feeds[k] = new ort.Tensor('float32', Float32Array.of(v), []);
    const r = await session.run(feeds);
    norms.push((r.norm.data as Float32Array)[0]);
    current = { w: r.next_w.data as Float32Array, b: r.next_b.data as Float32Array };
    for (const n of names) for (const s of stateNames(settings, n)) state.set(s, r[`next_${s}`].data as Float32Array);
  }
  return { params: current, norms };
}

/** The same updates in float64 TypeScript, one element at a time. */
function reference(settings: OptimizerSettings, params: Record<Name, Float32Array>, grads: Record<Name, Float32Array>[], lrs: number[], maxNorm: number) {
  const p = { w: Float64Array.from(params.w), b: Float64Array.from(params.b) };
  const m = { w: new Float64Array(12), b: new Float64Array(4) };
  const v = { w: new Float64Array(12), b: new Float64Array(4) };
  const norms: number[] = [];
  grads.forEach((grad, step) => {
    const norm = Math.sqrt(names.reduce((s, n) => s + grad[n].reduce((a, x) => a + x * x, 0), 0));
    norms.push(norm);
    const clip = Math.min(1, maxNorm / (norm + 1e-6));
    for (const n of names) {
      const decay = n === 'w' ? settings.weightDecay : 0;
      for (let i = 0; i < p[n].length; i++) {
        const gi = grad[n][i] * clip;
        if (settings.kind === 'adamw') {
          m[n][i] = settings.beta1 * m[n][i] + (1 - settings.beta1) * gi;
          v[n][i] = settings.beta2 * v[n][i] + (1 - settings.beta2) * gi * gi;
          const mHat = m[n][i] / (1 - settings.beta1 ** (step + 1));
          const vHat = v[n][i] / (1 - settings.beta2 ** (step + 1));
          p[n][i] -= lrs[step] * (mHat / (Math.sqrt(vHat) + settings.epsilon) + decay * p[n][i]);
        } else {
          m[n][i] = settings.momentum * m[n][i] + gi + decay * p[n][i];
          p[n][i] -= lrs[step] * m[n][i];
        }
      }
    }
  });
  return { params: p, norms };
}

describe('optimizer graph', () => {
  const random = new Mulberry32(11);
  const fill = (n: number, scale: number) => Float32Array.from({ length: n }, () => (random.next() * 2 - 1) * scale);
  const params = { w: fill(12, 1), b: fill(4, 1) };
  const grads = Array.from({ length: 5 }, (_, k) => ({ w: fill(12, k === 2 ? 10 : 0.5), b: fill(4, 0.5) }));
  const lrs = [0.01, 0.02, 0.03, 0.02, 0.01];

  const cases: [string, OptimizerSettings][] = [
    ['AdamW with bias correction, decoupled decay on matrices only', { kind: 'adamw', beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: 0.1 }],
    ['SGD with momentum and L2 decay', { kind: 'sgd', momentum: 0.9, weightDecay: 0.01 }],
  ];
  for (const [title, settings] of cases) {
    it(`${title}, with global-norm clipping (step 3 is clipped)`, async () => {
      const got = await runGraph(settings, params, grads, lrs, 1);
      const want = reference(settings, params, grads, lrs, 1);
      assert.ok(want.norms[2] > 1 && want.norms[0] < 1, 'the test has a clipped and an unclipped step');
      got.norms.forEach((n, i) => assert.ok(Math.abs(n - want.norms[i]) < 1e-5 * want.norms[i], `norm ${i}`));
      for (const n of names) {
        got.params[n].forEach((x, i) => assert.ok(Math.abs(x - want.params[n][i]) < 2e-6, `${n}[${i}]: ${x} vs ${want.params[n][i]}`));
        assert.ok(got.params[n].some((x, i) => Math.abs(x - params[n][i]) > 1e-3), `${n} moved`);
      }
    });
  }

  it('updates parameters that share their trailing dims as one stacked tensor, each back in its own shape', async () => {
    // a [2, 4] and c [3, 4] are stacked into one [5, 4] update; d [4] is a group of its own.
    const dims: Record<string, number[]> = { a: [2, 4], c: [3, 4], d: [4] };
    const settings: OptimizerSettings = { kind: 'adamw', beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: 0.1 };
    const g = new GraphBuilder();
    const gradients = new Map(Object.entries(dims).map(([n, d]) => [n, (g.input(n, 'float32', d), g.input(`grad_${n}`, 'float32', d))]));
    const out = addOptimizerUpdate(g, settings, gradients, (n) => dims[n], () => true);
    assert.equal(g.nodes.filter((n) => n.opType === 'Split').length, 3, 'θ, m and v of the stacked group are split back');
    for (const u of out.updates) g.output(u.next, { name: `next_${u.parameter}`, dtype: 'float32' });
    const session = await ort.InferenceSession.create(g.toBytes());
    const values = Object.fromEntries(Object.entries(dims).map(([n, d]) => [n, { theta: fill(d[0] * (d[1] ?? 1), 1), grad: fill(d[0] * (d[1] ?? 1), 0.5) }]));
    const feeds: Record<string, ort.Tensor> = {};
    for (const [n, d] of Object.entries(dims)) {
      feeds[n] = new ort.Tensor('float32', values[n].theta, d);
      feeds[`grad_${n}`] = new ort.Tensor('float32', values[n].grad, d);
      for (const s of stateNames(settings, n)) feeds[s] = new ort.Tensor('float32', new Float32Array(values[n].theta.length), d);
    }
    for (const [k, v] of Object.entries(stepScalars(settings, 0.01, 0, 1e9))) feeds[k] = new ort.Tensor('float32', Float32Array.of(v), []);
    const r = await session.run(feeds);
    for (const [n, d] of Object.entries(dims)) {
      assert.deepEqual(r[`next_${n}`].dims, d);
      // First AdamW step from m = v = 0: m̂ = g, v̂ = g², so θ ← θ − lr (g / (|g| + ε) + λ θ).
      const want = values[n].theta.map((t, i) => t - 0.01 * (values[n].grad[i] / (Math.abs(values[n].grad[i]) + 1e-8) + 0.1 * t));
      (r[`next_${n}`].data as Float32Array).forEach((x, i) => assert.ok(Math.abs(x - want[i]) < 1e-6, `${n}[${i}]: ${x} vs ${want[i]}`));
    }
  });
});
