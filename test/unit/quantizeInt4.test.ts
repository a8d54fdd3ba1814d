// int4 block-wise quantization (MatMulNBits) and fp16 weights: the arithmetic against a plain
// reference written here, ONNX Runtime's MatMulNBits kernel against the TypeScript GPT run on the
// dequantized weights (which checks the nibble order and scale layout), and foreign graphs whose
// weights the pass cannot take refused with the matrix named.
import * as assert from 'node:assert/strict';
import type { GPTConfig } from '../../extension/engine/gpt/config';
import { buildDecodeModel } from '../../extension/engine/gpt/decodeModel';
import { randomWeights } from '../../extension/engine/gpt/randomWeights';
import { referenceForward } from '../../extension/engine/gpt/referenceForward';
import type { TensorMap } from '../../extension/engine/gpt/tensor';
import { float16ToFloat32 } from '../../extension/engine/modelFolder/float16';
import { attr, GraphBuilder } from '../../extension/engine/onnx';
import { convertDecodeModelFp16, float32ToFloat16Bits } from '../../extension/engine/quantize/fp16Model';
import { dequantizeInt4, quantizeInt4 } from '../../extension/engine/quantize/int4';
import { quantizeDecodeModelInt4 } from '../../extension/engine/quantize/int4Model';
import { dequantizeInt8, quantizeInt8 } from '../../extension/engine/quantize/int8';
import { quantizeDecodeModelInt8 } from '../../extension/engine/quantize/quantizeModel';
import { OnnxCausalLM } from '../../extension/engine/runtime/onnxCausalLM';

const config: GPTConfig = { n_layer: 2, n_head: 2, n_embd: 64, n_positions: 16, vocab_size: 96, layer_norm_epsilon: 1e-5 };
const tokens = [5, 17, 42, 3, 88, 60, 7];

/** The plain reference: one block at a time, nothing packed. */
function referenceInt4(data: Float32Array, K: number, N: number, blockSize: number): Float32Array {
  const out = new Float32Array(K * N);
  for (let n = 0; n < N; n++) {
    for (let start = 0; start < K; start += blockSize) {
      const rows = [...Array(Math.min(blockSize, K - start)).keys()].map((i) => start + i);
      const maxAbs = Math.max(...rows.map((k) => Math.abs(data[k * N + n])));
      const scale = Math.fround(maxAbs > 0 ? maxAbs / 7 : 1);
      for (const k of rows) out[k * N + n] = Math.fround(Math.min(7, Math.max(-8, Math.round(data[k * N + n] / scale))) * scale);
    }
  }
  return out;
}

async function logitsOf(graph: Uint8Array): Promise<Float32Array> {
  const model = await OnnxCausalLM.open(graph, { contextLength: config.n_positions, threads: 1 });
  try {
    return Float32Array.from((await model.forwardAll(tokens)).logits);
  } finally {
    await model.release();
  }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('int4 block-wise quantization', () => {
  const K = 80; // not a multiple of 32: the last block is padded
  const N = 6;
  const data = Float32Array.from({ length: K * N }, (_, i) => Math.sin(i * 1.7) * (i % 37 === 0 ? 3 : 0.2));

  for (const blockSize of [32, 64, 128]) {
    it(`gives the plain reference's weights, each within scale/2 (blocks of ${blockSize})`, () => {
      const q = quantizeInt4(data, [K, N], blockSize);
      assert.equal(q.blocks, Math.ceil(K / blockSize));
      assert.equal(q.packed.length, N * q.blocks * blockSize / 2);
      const back = dequantizeInt4(q);
      const reference = referenceInt4(data, K, N, blockSize);
      assert.ok(back.every((v, i) => v === reference[i]), 'same weights as the reference');
      for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) {
        const scale = q.scales[n * q.blocks + Math.floor(k / blockSize)];
        assert.ok(Math.abs(back[k * N + n] - data[k * N + n]) <= scale / 2 + 1e-7, `[${k}, ${n}]`);
      }
    });
  }

  it('packs the earlier row in the low nibble, zero point 8, and records the row that set each scale', () => {
    const w = new Float32Array(32);
    w[0] = 7; w[1] = -7; w[2] = 1; w[5] = -3.5; // scale 1: nibbles 15, 1, 9, ...
    const q = quantizeInt4(w, [32, 1], 32);
    assert.equal(q.scales[0], 1);
    assert.equal(q.packed[0], 15 | (1 << 4));
    assert.equal(q.packed[1], 9 | (8 << 4));
    assert.equal(q.packed[2], 8 | (5 << 4), '−3.5 rounds half up (Math.round) to −3 → nibble 5');
    assert.equal(q.outlierRows[0], 0);
  });

  it('runs in ONNX Runtime\'s MatMulNBits as the TypeScript GPT does on the dequantized weights', async () => {
    const weights = randomWeights(config, 3);
    const fp32 = buildDecodeModel(config, weights);
    const q4 = quantizeDecodeModelInt4(fp32, 32);
    assert.equal(q4.weights.length, 4 * config.n_layer, 'c_attn, attn c_proj, c_fc and mlp c_proj of each block');
    const withWte = quantizeDecodeModelInt8(q4.bytes);
    assert.deepEqual(withWte.weights.map((w) => w.name), ['transformer.wte.weight'], 'the tied embedding left for int8');

    const dequantized: TensorMap = new Map(weights);
    for (const w of q4.weights) dequantized.set(w.name, { dims: w.matrix.dims, data: dequantizeInt4(w.matrix) });
    const wte = weights.get('transformer.wte.weight') as { dims: readonly number[]; data: Float32Array };
    dequantized.set('transformer.wte.weight', { dims: wte.dims, data: dequantizeInt8(quantizeInt8(wte.data, wte.dims, 0)) });
    const expected = referenceForward(config, dequantized, tokens).logits;
    const got = await logitsOf(withWte.bytes);
    assert.ok(maxAbsDiff(got, expected) < 2e-4, `MatMulNBits vs reference: ${maxAbsDiff(got, expected)}`);
    assert.ok(maxAbsDiff(got, referenceForward(config, weights, tokens).logits) > 1e-3, 'and int4 does change the logits');
  });

  it('names the matrix of a foreign graph it cannot take', () => {
    const g = new GraphBuilder({ opset: 17 });
    g.input('x', 'float32', [1, 4]);
    g.initializer('proj.weight', Uint16Array.from({ length: 16 }, () => 0x3c00), [4, 4], 'float16');
    g.output(g.op('MatMul', ['x', g.op('Cast', ['proj.weight'], { to: attr.int(1) })]), { name: 'y', dtype: 'float32', dims: [1, 4] });
    assert.throws(() => quantizeDecodeModelInt4(g.toBytes(), 32, 'foreign/model.onnx'), /nothing to quantize/);
    const h = new GraphBuilder({ opset: 17 });
    h.input('x', 'float32', [1, 4]);
    h.initializer('head.weight', new Float32Array(16), [4, 4]);
    h.output(h.op('Gemm', ['x', 'head.weight'], {}, { name: 'lm_head' }), { name: 'y', dtype: 'float32', dims: [1, 4] });
    assert.throws(() => quantizeDecodeModelInt4(h.toBytes(), 32, 'foreign/model.onnx'), /foreign\/model\.onnx: node lm_head \(Gemm\) multiplies by head\.weight; int4 quantization converts MatMul weights only/);
    const f = new GraphBuilder({ opset: 17 });
    f.input('x', 'float32', [1, 2, 4]);
    f.initializer('experts.weight', new Float32Array(32), [2, 4, 4]);
    f.output(f.op('MatMul', ['x', 'experts.weight']), { name: 'y', dtype: 'float32', dims: [1, 2, 4] });
    assert.throws(() => quantizeDecodeModelInt4(f.toBytes(), 32, 'foreign/model.onnx'), /experts\.weight is a float32 \[2, 4, 4\] weight of a MatMul; int4 quantization takes float32 matrices/);
  });
});

describe('fp16 weights', () => {
  it('rounds float32 to the nearest float16, ties to even, subnormals and overflow included', () => {
    const cases: Array<[number, number]> = [[1, 0x3c00], [-2, 0xc000], [65504, 0x7bff], [1e6, 0x7c00], [0.1, 0x2e66], [2 ** -24, 0x0001], [2 ** -14, 0x0400], [0, 0], [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02]];
    for (const [value, bits] of cases) assert.equal(float32ToFloat16Bits(value), bits, `${value}`);
    for (let i = 0; i < 2000; i++) {
      const v = (Math.sin(i) * 10) ** 3;
      const back = float16ToFloat32(float32ToFloat16Bits(v));
      assert.ok(Math.abs(back - v) <= Math.abs(v) * 2 ** -11 + 2 ** -25, `${v} → ${back}`);
    }
  });

  it('gives the logits of the TypeScript GPT on float16-rounded weights', async () => {
    const weights = randomWeights(config, 4);
    const rounded: TensorMap = new Map([...weights].map(([n, t]) => [n, { dims: t.dims, data: t.data.map((v) => float16ToFloat32(float32ToFloat16Bits(v))) }]));
    const got = await logitsOf(convertDecodeModelFp16(buildDecodeModel(config, weights)));
    const expected = referenceForward(config, rounded, tokens).logits;
    assert.ok(maxAbsDiff(got, expected) < 1e-4, `fp16 graph vs reference: ${maxAbsDiff(got, expected)}`);
  });
});
