import * as assert from 'node:assert/strict';
import type { GPTConfig } from '../../extension/engine/gpt/config';
import { buildDecodeModel } from '../../extension/engine/gpt/decodeModel';
import { randomWeights } from '../../extension/engine/gpt/randomWeights';
import { referenceForward } from '../../extension/engine/gpt/referenceForward';
import type { TensorMap } from '../../extension/engine/gpt/tensor';
import { GraphBuilder, OnnxModel } from '../../extension/engine/onnx';
import { dequantizeInt8, quantizeInt8 } from '../../extension/engine/quantize/int8';
import { quantizeDecodeModelInt8 } from '../../extension/engine/quantize/quantizeModel';
import { OnnxCausalLM } from '../../extension/engine/runtime/onnxCausalLM';
import * as ort from 'onnxruntime-node';

const config: GPTConfig = { n_layer: 2, n_head: 2, n_embd: 32, n_positions: 16, vocab_size: 96, layer_norm_epsilon: 1e-5 };
const tokens = [5, 17, 42, 3, 88, 60, 7];

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

async function logitsOf(graph: Uint8Array): Promise<Float32Array> {
  const model = await OnnxCausalLM.open(graph, { contextLength: config.n_positions, threads: 1 });
  try {
    return Float32Array.from((await model.forwardAll(tokens)).logits);
  } finally {
    await model.release();
  }
}

/** The graph's logits as ONNX defines them: ORT's 'basic' level folds constants but fuses no kernels. */
async function onnxSemanticsLogits(graph: Uint8Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(graph, { graphOptimizationLevel: 'basic', intraOpNumThreads: 1 });
  const ids = (values: number[]) => new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), [1, values.length]);
  const feeds: Record<string, ort.Tensor> = { input_ids: ids(tokens), attention_mask: ids(tokens.map(() => 1)), position_ids: ids(tokens.map((_, t) => t)) };
  const headDim = config.n_embd / config.n_head;
  for (let l = 0; l < config.n_layer; l++) {
    for (const kind of ['key', 'value']) feeds[`past_key_values.${l}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [1, config.n_head, 0, headDim]);
  }
  try {
    return Float32Array.from((await session.run(feeds)).logits.data as Float32Array);
  } finally {
    await session.release();
  }
}

describe('int8 quantization, symmetric per channel', () => {
  const dims = [3, 4];
  // Column 3 is all zeros; column 0 has one outlier that must not cost the other columns precision.
  const w = Float32Array.from([5, -0.01, 0.021, 0, 0.1, 0.03, -0.04, 0, -0.2, 0.005, 0.01, 0]);

  it('gives each output channel (column) the scale max|w|/127 and rounds to the nearest step', () => {
    const q = quantizeInt8(w, dims, 1);
    assert.deepEqual([...q.scales].map((s) => +s.toPrecision(6)), [5 / 127, 0.03 / 127, 0.04 / 127, 1].map((s) => +Math.fround(s).toPrecision(6)));
    assert.deepEqual([...q.values], [127, -42, 67, 0, 3, 127, -127, 0, -5, 21, 32, 0]);
    const back = dequantizeInt8(q);
    for (let i = 0; i < w.length; i++) assert.ok(Math.abs(back[i] - w[i]) <= q.scales[i % 4] / 2 + 1e-9, `element ${i}`);
  });

  it('scales rows along axis 0', () => {
    const q = quantizeInt8(w, dims, 0);
    assert.deepEqual([...q.scales].map((s) => +s.toPrecision(6)), [5 / 127, 0.1 / 127, 0.2 / 127].map((s) => +Math.fround(s).toPrecision(6)));
    assert.equal(q.values[4], 127);
    assert.equal(q.values[8], -127);
  });

  it('refuses what is not a matrix', () => {
    assert.throws(() => quantizeInt8(new Float32Array(8), [2, 2, 2], 0), /matrices/);
    assert.throws(() => quantizeInt8(new Float32Array(5), [2, 3], 1), /do not fill/);
    assert.throws(() => quantizeInt8(new Float32Array(6), [2, 3], 2), /axis/);
  });
});

describe('int8 weight-only quantization of a GPT-2 decode graph', () => {
  const weights = randomWeights(config, 7);
  const fp32 = buildDecodeModel(config, weights);
  const { bytes: int8, weights: quantized } = quantizeDecodeModelInt8(fp32);

  it('quantizes every MatMul weight and the tied wte (through its Transpose), and keeps wpe and biases in float', () => {
    const names = quantized.map((q) => q.name).sort();
    const expected = ['transformer.wte.weight'];
    for (let l = 0; l < config.n_layer; l++) for (const m of ['attn.c_attn', 'attn.c_proj', 'mlp.c_fc', 'mlp.c_proj']) expected.push(`transformer.h.${l}.${m}.weight`);
    assert.deepEqual(names, expected.sort());
    assert.equal(quantized.find((q) => q.name === 'transformer.wte.weight')?.axis, 0);
    assert.equal(quantized.find((q) => q.name === 'transformer.h.0.mlp.c_fc.weight')?.axis, 1);
    const model = OnnxModel.fromBytes(int8);
    const dequantizers = model.nodes().filter((n) => n.opType === 'DequantizeLinear');
    assert.equal(dequantizers.length, expected.length);
    const inits = new Map(model.initializers().map((i) => [i.name, i]));
    assert.equal(inits.get('transformer.wte.weight.quantized')?.dtype, 'int8');
    assert.equal(inits.get('transformer.wpe.weight')?.dtype, 'float32');
    const original = OnnxModel.fromBytes(fp32);
    assert.deepEqual(model.inputs(), original.inputs());
    assert.deepEqual(model.outputs(), original.outputs());
  });

  it('is smaller: the quantized matrices take one byte per weight instead of four', () => {
    assert.ok(int8.byteLength < 0.45 * fp32.byteLength, `${int8.byteLength} bytes vs ${fp32.byteLength}`);
  });

  it('means exactly the plain TypeScript GPT run with the dequantized weights', async () => {
    const dequantized: TensorMap = new Map(weights);
    for (const q of quantized) {
      const w = weights.get(q.name);
      assert.ok(w);
      dequantized.set(q.name, { dims: w.dims, data: dequantizeInt8(quantizeInt8(w.data, w.dims, q.axis)) });
    }
    const expected = referenceForward(config, dequantized, tokens).logits;
    const diff = maxAbsDiff(await onnxSemanticsLogits(int8), expected);
    assert.ok(diff < 1e-4, `max |Δlogit| ${diff}`);
  });

  // At the 'all' level the extension runs with, ONNX Runtime fuses DequantizeLinear into its MatMul
  // kernels, which adds a little rounding of its own; the logits must still stay close to float32.
  it('stays close to the float32 logits as the engine runs it', async () => {
    const [a, b] = [await logitsOf(fp32), await logitsOf(int8)];
    const spread = Math.max(...a) - Math.min(...a);
    const diff = maxAbsDiff(a, b);
    assert.ok(diff > 0, 'the weights did change');
    assert.ok(diff < 0.02 * spread, `max |Δlogit| ${diff} against a logit range of ${spread}`);
  });

  it('says why when a graph has no MatMul weight or too old an opset', () => {
    const noWeights = new GraphBuilder({ name: 'add' });
    const x = noWeights.input('x', 'float32', [2]);
    noWeights.output(noWeights.op('Add', [x, x]), { dtype: 'float32', dims: [2] });
    assert.throws(() => quantizeDecodeModelInt8(noWeights.toBytes(), 'add.onnx'), /add\.onnx: no float matrix feeds a MatMul/);
    const old = new GraphBuilder({ name: 'old', opset: 11 });
    const y = old.input('y', 'float32', [2]);
    old.output(old.op('Relu', [y]), { dtype: 'float32', dims: [2] });
    assert.throws(() => quantizeDecodeModelInt8(old.toBytes(), 'old.onnx'), /old\.onnx: opset 11/);
  });
});
