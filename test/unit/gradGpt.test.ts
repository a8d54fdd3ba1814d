// The gradient of a whole (tiny) GPT-2 training loss, built by the same code as the training graph,
// against central finite differences in float64.
import * as assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { addGradients } from '../../extension/engine/autodiff/gradients';
import { copyAsFloat64 } from '../../extension/engine/autodiff/float64';
import { checkGradients, type CheckedInput } from '../../extension/engine/autodiff/gradCheck';
import { gpt2Parameters } from '../../extension/engine/gpt/parameters';
import { GraphBuilder } from '../../extension/engine/onnx';
import { emitForwardLoss, IGNORE_INDEX } from '../../extension/engine/train/trainingGraph';
import { Mulberry32 } from '../../extension/engine/generate/random';

describe('whole-GPT gradient check', () => {
  it('∂loss/∂θ of a 2-layer GPT matches finite differences for every parameter tensor', async () => {
    const config = { n_layer: 2, n_head: 2, n_embd: 8, n_positions: 6, vocab_size: 11, layer_norm_epsilon: 1e-5 };
    const B = 2;
    const T = 5;
    const random = new Mulberry32(5);
    const u = () => random.next() * 2 - 1;
    const ids = Array.from({ length: B * T }, () => random.nextInt(config.vocab_size));
    const targets = ids.map((id, i) => (i === 3 ? IGNORE_INDEX : (id + 1) % config.vocab_size));
    const inputs: CheckedInput[] = [
      { name: 'input_ids', dims: [B, T], data: BigInt64Array.from(ids.map(BigInt)) },
      { name: 'targets', dims: [B, T], data: BigInt64Array.from(targets.map(BigInt)) },
      // Larger than GPT-2's 0.02 init, so that every path carries a gradient well above rounding.
      ...gpt2Parameters(config).map((p) => ({
        name: p.name,
        dims: p.dims,
        data: Float64Array.from({ length: p.dims.reduce((a, b) => a * b, 1) }, () => (p.init === 'ones' ? 1 + 0.3 * u() : 0.4 * u())),
      })),
    ];
    const result = await checkGradients((g) => {
      const float32 = new GraphBuilder();
      const { loss } = emitForwardLoss(float32, { config, batchSize: B, contextLength: T }, B);
      copyAsFloat64(float32, g);
      return loss;
    }, inputs, { maxPerInput: 24 });
    assert.ok(result.checked > 300, `checked ${result.checked}`);
    assert.ok(result.worst <= 1, `worst relative error ${result.worst} at ${result.worstAt}`);
  });

  it('the float32 gradient graph, as ONNX Runtime optimizes it for training, agrees with float64', async () => {
    const config = { n_layer: 2, n_head: 4, n_embd: 32, n_positions: 16, vocab_size: 50, layer_norm_epsilon: 1e-5 };
    const B = 3;
    const T = 16;
    const random = new Mulberry32(8);
    const u = () => random.next() * 2 - 1;
    const ids = BigInt64Array.from({ length: B * T }, () => BigInt(random.nextInt(config.vocab_size)));
    const targets = BigInt64Array.from({ length: B * T }, () => BigInt(random.nextInt(config.vocab_size)));
    const params = gpt2Parameters(config).map((p) => ({ ...p, data: Float64Array.from({ length: p.dims.reduce((a, b) => a * b, 1) }, () => (p.init === 'ones' ? 1 + 0.2 * u() : 0.2 * u())) }));
    const gradients = async (wide: boolean): Promise<Map<string, Float64Array>> => {
      const float32 = new GraphBuilder();
      const built = emitForwardLoss(float32, { config, batchSize: B, contextLength: T }, B);
      const g = wide ? new GraphBuilder() : float32;
      if (wide) copyAsFloat64(float32, g);
      const d = addGradients(g, built.loss, params.map((p) => p.name));
      for (const p of params) g.output(d.get(p.name) as string, { name: `d.${p.name}`, dtype: wide ? 'float64' : 'float32' });
      const session = await ort.InferenceSession.create(g.toBytes(), { graphOptimizationLevel: 'all' });
      const feeds: Record<string, ort.Tensor> = { input_ids: new ort.Tensor('int64', ids, [B, T]), targets: new ort.Tensor('int64', targets, [B, T]) };
      for (const p of params) feeds[p.name] = wide ? new ort.Tensor('float64', p.data, [...p.dims]) : new ort.Tensor('float32', Float32Array.from(p.data), [...p.dims]);
      const out = await session.run(feeds);
      return new Map(params.map((p) => [p.name, Float64Array.from(out[`d.${p.name}`].data as Float32Array | Float64Array)]));
    };
    const [narrow, wide] = [await gradients(false), await gradients(true)];
    for (const p of params) {
      const a = narrow.get(p.name) as Float64Array;
      const b = wide.get(p.name) as Float64Array;
      const scale = Math.max(...b.map(Math.abs));
      const worst = Math.max(...a.map((x, i) => Math.abs(x - b[i])));
      assert.ok(scale > 0 && worst <= 1e-4 * scale + 1e-7, `${p.name}: float32 differs by ${worst} (largest float64 gradient ${scale})`);
    }
  });
});
