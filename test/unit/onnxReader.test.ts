// Reading models back: what the builder wrote comes back unchanged, weights stored in any of ONNX's
// encodings read as the same typed arrays, and Softmax outputs can be added as graph outputs.
import * as assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { attr, exposeAttentionProbabilities, GraphBuilder, OnnxModel, withExtraOutputs } from '../../extension/engine/onnx';
import { create, DataLocation, DataType, ModelProtoSchema, StringStringEntryProtoSchema, TensorProtoSchema, toBinary } from '../../extension/engine/onnx/proto';

async function run(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

/** scores = x·K; p = softmax(scores); y = p·V. A toy attention with one query row per batch row. */
function toyAttention(): GraphBuilder {
  const g = new GraphBuilder({ name: 'toy' });
  const x = g.input('x', 'float32', ['n', 2]);
  const k = g.initializer('k', Float32Array.from([1, 0, 0, 0, 1, 0]), [2, 3]);
  const v = g.initializer('v', Float32Array.from([1, 2, 3]), [3, 1]);
  const p = g.op('Softmax', [g.op('MatMul', [x, k], {}, { name: 'scores' })], { axis: attr.int(-1) }, { name: 'probs' });
  g.output(g.op('MatMul', [p, v]), { name: 'y', dtype: 'float32', dims: ['n', 1] });
  return g;
}

describe('onnx OnnxModel reader', () => {
  it('reads back inputs, outputs, nodes, attributes and initializers the builder wrote', () => {
    const g = new GraphBuilder();
    const ids = g.input('ids', 'int64', ['batch', 'seq']);
    const table = g.initializer('table', Float32Array.from([0.5, -1.25, 3, 4e-8]), [2, 2]);
    g.initializer('steps', BigInt64Array.from([-3n, 9007199254740993n]), [2]);
    g.initializer('mask', Uint8Array.from([1, 0, 1]), [3], 'bool');
    const e = g.op('Gather', [table, ids], { axis: attr.int(0) }, { name: 'embed' });
    const n = g.op('LayerNormalization', [e, g.constant(Float32Array.from([1, 1]), [2], 'one')], {
      epsilon: attr.float(1e-5), axis: attr.int(-1), note: attr.strings(['a', 'b']), w: attr.floats([0.5]),
    });
    g.output(n, { name: 'out', dtype: 'float32', dims: ['batch', 'seq', 2] });

    const model = OnnxModel.fromBytes(g.toBytes(), 'test.onnx');
    assert.deepEqual(model.inputs(), [{ name: 'ids', dtype: 'int64', dims: ['batch', 'seq'] }]);
    assert.deepEqual(model.outputs(), [{ name: 'out', dtype: 'float32', dims: ['batch', 'seq', 2] }]);
    assert.deepEqual(model.opsets(), [{ domain: '', version: 20 }]);
    assert.deepEqual(model.nodes().map((x) => [x.opType, x.inputs, x.outputs]), [
      ['Gather', ['table', 'ids'], ['embed']],
      ['LayerNormalization', ['embed', 'one'], ['LayerNormalization']],
      ['Identity', ['LayerNormalization'], ['out']],
    ]);
    const attrs = model.nodes()[1].attributes;
    assert.deepEqual(attrs.axis, { kind: 'int', value: -1 });
    assert.equal(attrs.epsilon.kind, 'float');
    assert.ok(attrs.epsilon.kind === 'float' && Math.abs(attrs.epsilon.value - 1e-5) < 1e-12);
    assert.deepEqual(attrs.note, { kind: 'strings', value: ['a', 'b'] });
    assert.deepEqual(attrs.w, { kind: 'floats', value: [0.5] });
    assert.deepEqual(model.initializers(), [
      { name: 'table', dtype: 'float32', dims: [2, 2] },
      { name: 'steps', dtype: 'int64', dims: [2] },
      { name: 'mask', dtype: 'bool', dims: [3] },
      { name: 'one', dtype: 'float32', dims: [2] },
    ]);
    assert.deepEqual(model.readInitializer('table'), { dtype: 'float32', dims: [2, 2], data: Float32Array.from([0.5, -1.25, 3, 4e-8]) });
    assert.deepEqual(model.readInitializer('steps').data, BigInt64Array.from([-3n, 9007199254740993n]));
    assert.deepEqual(model.readInitializer('mask'), { dtype: 'bool', dims: [3], data: Uint8Array.from([1, 0, 1]) });
    assert.throws(() => model.readInitializer('nope'), /test\.onnx: no initializer named nope/);
  });

  it('reads float_data, int64_data and int32_data initializers, as onnxruntime does', async () => {
    const g = new GraphBuilder();
    g.output(g.op('Add', [g.input('x', 'float32', [3]), g.initializer('placeholder', new Float32Array(3), [3])]), { name: 'y', dtype: 'float32' });
    const proto = g.toModelProto();
    const graph = proto.graph!;
    graph.initializer = [
      create(TensorProtoSchema, { name: 'placeholder', dataType: DataType.FLOAT, dims: [3n], floatData: [1.5, -2, 0.25] }),
      create(TensorProtoSchema, { name: 'counts', dataType: DataType.INT64, dims: [2n], int64Data: [7n, -8n] }),
      create(TensorProtoSchema, { name: 'halves', dataType: DataType.FLOAT16, dims: [1n], int32Data: [0x3c00] }),
    ];
    const bytes = toBinary(ModelProtoSchema, proto);
    const model = OnnxModel.fromBytes(bytes);
    assert.deepEqual(model.readInitializer('placeholder').data, Float32Array.from([1.5, -2, 0.25]));
    assert.deepEqual(model.readInitializer('counts').data, BigInt64Array.from([7n, -8n]));
    assert.deepEqual(model.readInitializer('halves'), { dtype: 'float16', dims: [1], data: Uint16Array.from([0x3c00]) });
    const out = await run(bytes, { x: new ort.Tensor('float32', Float32Array.from([1, 1, 1]), [3]) });
    assert.deepEqual(Array.from(out.y.data as Float32Array), [2.5, -1, 1.25]);
  });

  it('reads initializers kept in an external data file beside the model', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'onnx-external-'));
    try {
      const values = Float32Array.from([3, 1, 4, 1, 5, 9]);
      await writeFile(join(dir, 'model.onnx_data'), Buffer.concat([Buffer.alloc(16), Buffer.from(values.buffer)]));
      const g = new GraphBuilder();
      g.output(g.op('Mul', [g.input('x', 'float32', [6]), g.initializer('w', new Float32Array(6), [6])]), { name: 'y', dtype: 'float32' });
      const proto = g.toModelProto();
      const entry = (key: string, value: string) => create(StringStringEntryProtoSchema, { key, value });
      proto.graph!.initializer = [create(TensorProtoSchema, {
        name: 'w', dataType: DataType.FLOAT, dims: [6n], dataLocation: DataLocation.EXTERNAL,
        externalData: [entry('location', 'model.onnx_data'), entry('offset', '16'), entry('length', '24')],
      })];
      const path = join(dir, 'model.onnx');
      await writeFile(path, toBinary(ModelProtoSchema, proto));

      const model = await OnnxModel.load(path);
      assert.deepEqual(model.readInitializer('w').data, values);
      assert.throws(() => OnnxModel.fromBytes(model.toBytes()).readInitializer('w'), /external file model\.onnx_data/);
      const session = await ort.InferenceSession.create(path);
      const out = await session.run({ x: new ort.Tensor('float32', new Float32Array(6).fill(2), [6]) });
      await session.release();
      assert.deepEqual(Array.from(out.y.data as Float32Array), Array.from(values, (v) => 2 * v));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names the file when the bytes are not an ONNX model', () => {
    assert.throws(() => OnnxModel.fromBytes(Uint8Array.from([0xff, 0xff, 0xff]), 'broken.onnx'), /broken\.onnx: not an ONNX model/);
  });
});

describe('onnx graph surgery', () => {
  it('adds every Softmax output as a graph output that onnxruntime returns', async () => {
    const model = OnnxModel.fromBytes(toyAttention().toBytes());
    const exposed = exposeAttentionProbabilities(model);
    assert.ok(exposed.found);
    assert.deepEqual(exposed.outputs, ['probs']);
    assert.deepEqual(exposed.model.outputs().map((o) => o.name), ['y', 'probs']);
    assert.deepEqual(model.outputs().map((o) => o.name), ['y'], 'the original model is unchanged');

    const out = await run(exposed.model.toBytes(), { x: new ort.Tensor('float32', Float32Array.from([0, 0, 1, -1]), [2, 2]) });
    // row 0: scores [0, 0, 0] -> uniform. row 1: scores [1, -1, 0] -> softmax by hand.
    const z = Math.E + Math.exp(-1) + 1;
    const expected = [1 / 3, 1 / 3, 1 / 3, Math.E / z, Math.exp(-1) / z, 1 / z];
    const probs = out.probs.data as Float32Array;
    expected.forEach((p, i) => assert.ok(Math.abs(probs[i] - p) < 1e-6, `p[${i}] = ${probs[i]}, expected ${p}`));
    assert.ok(Math.abs((out.y.data as Float32Array)[0] - 2) < 1e-6);
  });

  it('adds a chosen intermediate value and rejects names no node produces', async () => {
    const model = withExtraOutputs(OnnxModel.fromBytes(toyAttention().toBytes()), ['scores', 'y']);
    assert.deepEqual(model.outputs().map((o) => o.name), ['y', 'scores']);
    const out = await run(model.toBytes(), { x: new ort.Tensor('float32', Float32Array.from([2, 3]), [1, 2]) });
    assert.deepEqual(Array.from(out.scores.data as Float32Array), [2, 3, 0]);
    assert.throws(() => withExtraOutputs(model, ['x']), /no node of the graph produces a value named x/);
  });

  it('explains why a fused attention model has no attention probabilities to show', () => {
    const g = new GraphBuilder();
    const q = g.input('q', 'float32', [1, 4, 8]);
    const mha = g.op('MultiHeadAttention', [q, q, q], { num_heads: attr.int(2) }, { domain: 'com.microsoft' });
    g.output(g.op('MultiHeadAttention', [mha, q, q], { num_heads: attr.int(2) }, { domain: 'com.microsoft' }), { name: 'y', dtype: 'float32' });
    const exposed = exposeAttentionProbabilities(OnnxModel.fromBytes(g.toBytes()));
    assert.ok(!exposed.found);
    assert.match(exposed.reason, /fused operators \(2 com\.microsoft\.MultiHeadAttention\)/);

    const plain = new GraphBuilder();
    plain.output(plain.op('Relu', [plain.input('x', 'float32', [2])]), { name: 'y', dtype: 'float32' });
    const none = exposeAttentionProbabilities(OnnxModel.fromBytes(plain.toBytes()));
    assert.ok(!none.found);
    assert.match(none.reason, /no Softmax node/);
  });
});
