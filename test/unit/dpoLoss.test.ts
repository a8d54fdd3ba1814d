// The DPO loss and its parts: each new gradient rule and the stable −log σ against finite
// differences (float64), and the whole loss and its gradient against a plain TypeScript reference.
import * as assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { addGradients } from '../../extension/engine/autodiff/gradients';
import { checkGradients, type CheckedInput } from '../../extension/engine/autodiff/gradCheck';
import { Mulberry32 } from '../../extension/engine/generate/random';
import { GraphBuilder } from '../../extension/engine/onnx';
import { emitDpoLoss, emitNegLogSigmoid, emitSequenceLogProbs } from '../../extension/engine/train/instruct/preferenceLoss';
import { IGNORE_INDEX } from '../../extension/engine/train/trainingGraph';

const random = new Mulberry32(5);
const floats = (name: string, dims: number[], scale = 1): CheckedInput => ({ name, dims, data: Float64Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => scale * (random.next() * 2 - 1)) });

// Pairs B, rows 2B, tokens T, vocabulary V; about half the targets are outside the answer.
const B = 3;
const T = 4;
const V = 5;
const targets = Array.from({ length: 2 * B * T }, (_, i) => (i % T === 0 || random.next() < 0.3 ? IGNORE_INDEX : random.nextInt(V)));
const targetInput: CheckedInput = { name: 'targets', dims: [2 * B * T], data: BigInt64Array.from(targets.map(BigInt)) };

async function expectMatch(build: (g: GraphBuilder, x: readonly string[]) => string, inputs: CheckedInput[]): Promise<void> {
  const result = await checkGradients(build, inputs);
  assert.ok(result.checked > 0);
  assert.ok(result.worst <= 1, `worst relative error ${result.worst} at ${result.worstAt}`);
}

/** The TypeScript reference: loss and ∂loss/∂logits, written from the equations with plain loops. */
function referenceDpo(logits: Float64Array, reference: Float64Array, beta: number): { loss: number; grad: Float64Array } {
  const logSoftmax = (row: number) => {
    const x = logits.subarray(row * V, row * V + V);
    const max = Math.max(...x);
    const lse = max + Math.log(x.reduce((a, v) => a + Math.exp(v - max), 0));
    return Array.from(x, (v) => v - lse);
  };
  const seq = new Float64Array(2 * B);
  for (let r = 0; r < 2 * B; r++) {
    for (let t = 0; t < T; t++) {
      const y = targets[r * T + t];
      if (y !== IGNORE_INDEX) seq[r] += logSoftmax(r * T + t)[y];
    }
  }
  let loss = 0;
  const dSeq = new Float64Array(2 * B);
  for (let i = 0; i < B; i++) {
    const z = beta * (seq[i] - reference[i] - (seq[B + i] - reference[B + i]));
    loss += -Math.log(1 / (1 + Math.exp(-z))) / B;
    const dz = -(1 / (1 + Math.exp(z))) / B; // d(−log σ(z))/dz = −σ(−z)
    dSeq[i] = beta * dz;
    dSeq[B + i] = -beta * dz;
  }
  const grad = new Float64Array(logits.length);
  for (let r = 0; r < 2 * B; r++) {
    for (let t = 0; t < T; t++) {
      const y = targets[r * T + t];
      if (y === IGNORE_INDEX) continue;
      const lp = logSoftmax(r * T + t);
      for (let v = 0; v < V; v++) grad[(r * T + t) * V + v] = dSeq[r] * ((v === y ? 1 : 0) - Math.exp(lp[v]));
    }
  }
  return { loss, grad };
}

describe('DPO loss', () => {
  it('Abs matches finite differences', () => expectMatch((g, [x]) => g.op('Abs', [x]), [floats('x', [4, 6])]));

  it('−log σ(z), written without overflow, matches finite differences and equals softplus(−z) even at |z| = 800', async () => {
    await expectMatch((g, [z]) => emitNegLogSigmoid(g, z, 'float64'), [floats('z', [12], 6)]);
    const g = new GraphBuilder({ name: 'nls' });
    const z = g.input('z', 'float64', [3]);
    g.output(emitNegLogSigmoid(g, z, 'float64'), { name: 'y', dtype: 'float64', dims: [3] });
    const session = await ort.InferenceSession.create(g.toBytes());
    const y = (await session.run({ z: new ort.Tensor('float64', Float64Array.of(-800, 0, 800), [3]) })).y.data as Float64Array;
    assert.deepEqual(Array.from(y), [800, Math.log(2), 0]);
  });

  it('the masked gather of log-probabilities (sequence log-probability over answer tokens) matches finite differences', () =>
    expectMatch((g, [logits, t]) => emitSequenceLogProbs(g, logits, t, 2 * B, T), [floats('logits', [2 * B * T, V], 2), targetInput]));

  it('the whole loss matches finite differences in the logits and the reference log-probabilities stay constants', () =>
    expectMatch((g, [logits, t, ref]) => {
      const beta = g.constant(Float64Array.of(0.7), [], 'beta');
      return emitDpoLoss(g, emitSequenceLogProbs(g, logits, t, 2 * B, T), ref, beta, B, 'float64').loss;
    }, [floats('logits', [2 * B * T, V], 2), targetInput, { ...floats('ref', [2 * B], 3) }]));

  it('the loss and its gradient equal the TypeScript reference on random data', async () => {
    const logits = floats('logits', [2 * B * T, V], 3).data as Float64Array;
    const reference = floats('ref', [2 * B], 4).data as Float64Array;
    const g = new GraphBuilder({ name: 'dpo' });
    const x = g.input('logits', 'float64', [2 * B * T, V]);
    const t = g.input('targets', 'int64', [2 * B * T]);
    const r = g.input('ref', 'float64', [2 * B]);
    const { loss } = emitDpoLoss(g, emitSequenceLogProbs(g, x, t, 2 * B, T), r, g.constant(Float64Array.of(0.5), [], 'beta'), B, 'float64');
    g.output(loss, { name: 'loss', dtype: 'float64', dims: [] });
    g.output(addGradients(g, loss, ['logits']).get('logits') as string, { name: 'grad', dtype: 'float64', dims: [2 * B * T, V] });
    const session = await ort.InferenceSession.create(g.toBytes());
    const out = await session.run({
      logits: new ort.Tensor('float64', logits, [2 * B * T, V]),
      targets: new ort.Tensor('int64', targetInput.data, [2 * B * T]),
      ref: new ort.Tensor('float64', reference, [2 * B]),
    });
    const expected = referenceDpo(logits, reference, 0.5);
    assert.ok(Math.abs((out.loss.data as Float64Array)[0] - expected.loss) < 1e-12, `loss ${(out.loss.data as Float64Array)[0]} vs ${expected.loss}`);
    const grad = out.grad.data as Float64Array;
    expected.grad.forEach((v, i) => assert.ok(Math.abs(grad[i] - v) < 1e-12, `gradient [${i}]: ${grad[i]} vs ${v}`));
    assert.ok(expected.grad.some((v) => v !== 0));
  });
});
