// The graph builder's models run in onnxruntime and compute what the equations say.
import * as assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { attr, GraphBuilder } from '../../extension/engine/onnx';
import { fromBinary, ModelProtoSchema } from '../../extension/engine/onnx/proto';

async function run(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  assert.equal(actual.length, expected.length, 'length');
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tolerance, `element ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

describe('onnx GraphBuilder', () => {
  it('runs y = x·W + b with a symbolic batch dimension', async () => {
    const g = new GraphBuilder({ name: 'affine' });
    const x = g.input('x', 'float32', ['batch', 2]);
    const w = g.initializer('w', Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
    const b = g.initializer('b', Float32Array.from([0.5, -1, 0]), [3]);
    g.output(g.op('Add', [g.op('MatMul', [x, w]), b]), { name: 'y', dtype: 'float32', dims: ['batch', 3] });
    const out = await run(g.toBytes(), { x: new ort.Tensor('float32', Float32Array.from([1, 0, 2, -1]), [2, 2]) });
    // [1, 0]·W + b = [1.5, 1, 3]; [2, -1]·W + b = [-1.5, -2, 0]
    assert.deepEqual(out.y.dims, [2, 3]);
    assertClose(out.y.data as Float32Array, [1.5, 1, 3, -1.5, -2, 0], 1e-6);
  });

  it('runs LayerNormalization and tanh Gelu at opset 20 with float attributes', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [1, 4]);
    const scale = g.initializer('scale', Float32Array.from([1, 2, 1, 0.5]), [4]);
    const bias = g.initializer('bias', Float32Array.from([0, 0, 1, 0]), [4]);
    const ln = g.op('LayerNormalization', [x, scale, bias], { axis: attr.int(-1), epsilon: attr.float(1e-5) });
    g.output(g.op('Gelu', [ln], { approximate: attr.string('tanh') }), { name: 'y', dtype: 'float32' });
    const input = [1, 2, 3, 6];
    const out = await run(g.toBytes(), { x: new ort.Tensor('float32', Float32Array.from(input), [1, 4]) });

    const mean = 3;
    const variance = input.reduce((s, v) => s + (v - mean) ** 2, 0) / 4;
    const expected = input.map((v, i) => {
      const n = ((v - mean) / Math.sqrt(variance + 1e-5)) * [1, 2, 1, 0.5][i] + [0, 0, 1, 0][i];
      return 0.5 * n * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (n + 0.044715 * n ** 3)));
    });
    assertClose(out.y.data as Float32Array, expected, 1e-5);
  });

  it('stores int64 and int32 initializers and runs Gather, Cast, Transpose and multi-output Split', async () => {
    const g = new GraphBuilder();
    const table = g.initializer('table', Float32Array.from([10, 11, 20, 21, 30, 31]), [3, 2]);
    const ids = g.initializer('ids', BigInt64Array.from([2n, 0n]), [2]);
    const offset = g.initializer('offset', Int32Array.from([100]), [1]);
    const rows = g.op('Gather', [table, ids], { axis: attr.int(0) });              // [[30, 31], [10, 11]]
    const shifted = g.op('Add', [rows, g.op('Cast', [offset], { to: attr.int(1) })]); // +100
    const t = g.op('Transpose', [shifted], { perm: attr.ints([1, 0]) });         // [[130, 110], [131, 111]]
    const [first, second] = g.node('Split', [t], { axis: attr.int(0), num_outputs: attr.int(2) }, { outputs: 2 });
    g.output(first, { name: 'first', dtype: 'float32', dims: [1, 2] });
    g.output(second, { name: 'second', dtype: 'float32', dims: [1, 2] });
    const out = await run(g.toBytes(), {});
    assert.deepEqual(Array.from(out.first.data as Float32Array), [130, 110]);
    assert.deepEqual(Array.from(out.second.data as Float32Array), [131, 111]);
  });

  it('imports com.microsoft when a node uses it, and onnxruntime runs that node', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [3]);
    g.output(g.op('Gelu', [x], {}, { domain: 'com.microsoft' }), { name: 'y', dtype: 'float32' });
    const model = fromBinary(ModelProtoSchema, g.toBytes());
    assert.deepEqual(model.opsetImport.map((o) => [o.domain, Number(o.version)]), [['', 20], ['com.microsoft', 1]]);
    assert.equal(Number(model.irVersion), 9);
    const out = await run(g.toBytes(), { x: new ort.Tensor('float32', Float32Array.from([-1, 0, 2]), [3]) });
    // exact Gelu: x·Φ(x); Φ(-1) = 0.158655, Φ(2) = 0.977250
    assertClose(out.y.data as Float32Array, [-0.158655, 0, 1.9545], 1e-5);
  });

  it('keeps names unique and rejects duplicates and undefined inputs', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [2]);
    const a = g.op('Relu', [x], {}, { name: 'act' });
    const b = g.op('Relu', [a], {}, { name: 'act' });
    assert.equal(a, 'act');
    assert.equal(b, 'act_1');
    assert.equal(g.uniqueName('act'), 'act_2');
    assert.throws(() => g.input('x', 'float32', [2]), /already used/);
    assert.throws(() => g.op('Relu', ['missing']), /"missing" is not defined/);
    assert.throws(() => g.initializer('w', new Float32Array(3), [2, 2]), /3 values for dims \[2, 2\]/);
    assert.throws(() => g.output('nowhere'), /not defined/);
    assert.deepEqual(g.nodes.map((n) => [n.opType, n.inputs, n.outputs]), [['Relu', ['x'], ['act']], ['Relu', ['act'], ['act_1']]]);
    assert.deepEqual(g.valueInfo('x'), { name: 'x', dtype: 'float32', dims: [2] });
  });

  it('writes symbolic and fixed dims and value_info annotations into the model', () => {
    const g = new GraphBuilder({ name: 'dims' });
    const x = g.input('x', 'float32', ['batch', 'seq', 8]);
    const y = g.op('Relu', [x]);
    g.annotate(y, 'float32', ['batch', 'seq', 8]);
    g.output(g.op('Neg', [y]), { name: 'z', dtype: 'float32' });
    const graph = fromBinary(ModelProtoSchema, g.toBytes()).graph!;
    const dims = (v: (typeof graph.input)[number]) =>
      v.type?.value.case === 'tensorType' ? v.type.value.value.shape?.dim.map((d) => d.value.value) : undefined;
    assert.deepEqual(dims(graph.input[0]), ['batch', 'seq', 8n]);
    assert.deepEqual(graph.valueInfo.map((v) => v.name), ['Relu']);
    assert.equal(graph.output[0].type?.value.case, 'tensorType');
    assert.equal(dims(graph.output[0]), undefined);
  });
});
