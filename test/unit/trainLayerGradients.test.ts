// Per-layer gradient norms from the training graph's grad_squares output, against gradients taken
// from a separate float64 gradient graph and grouped by hand.
import * as assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { addGradients } from '../../extension/engine/autodiff/gradients';
import { copyAsFloat64 } from '../../extension/engine/autodiff/float64';
import { Mulberry32 } from '../../extension/engine/generate/random';
import { gpt2Parameters } from '../../extension/engine/gpt/parameters';
import { GraphBuilder } from '../../extension/engine/onnx';
import { groupByLayer, layerNorms, layerOf } from '../../extension/engine/train/layerGradients';
import { StepRunner } from '../../extension/engine/train/stepRunner';
import { emitForwardLoss } from '../../extension/engine/train/trainingGraph';

describe('per-layer gradient norms', () => {
  it('names each parameter by its block, embeddings or final norm (LoRA adapters by their weight)', () => {
    assert.equal(layerOf('transformer.wte.weight'), 'embeddings');
    assert.equal(layerOf('transformer.wpe.weight'), 'embeddings');
    assert.equal(layerOf('transformer.h.11.mlp.c_fc.bias'), 'block 11');
    assert.equal(layerOf('lora.transformer.h.2.attn.c_attn.weight.A'), 'block 2');
    assert.equal(layerOf('transformer.ln_f.weight'), 'final norm');
    const grouping = groupByLayer(['transformer.h.10.ln_1.weight', 'transformer.ln_f.bias', 'transformer.h.2.ln_1.weight', 'transformer.wte.weight']);
    assert.deepEqual(grouping.layers, ['embeddings', 'block 2', 'block 10', 'final norm']);
    assert.deepEqual(grouping.layerOfParameter, [2, 3, 1, 0]);
  });

  it('equal the norms of a float64 gradient graph grouped by layer, and their squares add up to ‖g‖²', async () => {
    const config = { n_layer: 2, n_head: 2, n_embd: 16, n_positions: 8, vocab_size: 23, layer_norm_epsilon: 1e-5 };
    const B = 2;
    const T = 8;
    const random = new Mulberry32(3);
    const ids = BigInt64Array.from({ length: B * T }, () => BigInt(random.nextInt(config.vocab_size)));
    const targets = BigInt64Array.from({ length: B * T }, () => BigInt(random.nextInt(config.vocab_size)));
    const params = gpt2Parameters(config).map((p) => ({ ...p, data: Float32Array.from({ length: p.dims.reduce((a, b) => a * b, 1) }, () => (p.init === 'ones' ? 1 : 0.3 * (random.next() * 2 - 1))) }));

    const runner = await StepRunner.create(
      { config, batchSize: B, contextLength: T, optimizer: { kind: 'adamw', beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: 0 } },
      new Map(params.map((p) => [p.name, Float32Array.from(p.data)])),
    );
    const result = await runner.step({ inputs: ids, targets, batchSize: B, contextLength: T }, 0, 1e-3, 0);
    const grouping = groupByLayer(runner.graph.trainable);
    const ours = layerNorms(grouping, result.gradSquares);
    await runner.release();

    const g32 = new GraphBuilder();
    const { loss } = emitForwardLoss(g32, { config, batchSize: B, contextLength: T }, B);
    const g = new GraphBuilder();
    copyAsFloat64(g32, g);
    const d = addGradients(g, loss, params.map((p) => p.name));
    for (const p of params) g.output(d.get(p.name) as string, { name: `d.${p.name}`, dtype: 'float64' });
    const session = await ort.InferenceSession.create(g.toBytes());
    const feeds: Record<string, ort.Tensor> = { input_ids: new ort.Tensor('int64', ids, [B, T]), targets: new ort.Tensor('int64', targets, [B, T]) };
    for (const p of params) feeds[p.name] = new ort.Tensor('float64', Float64Array.from(p.data), [...p.dims]);
    const out = await session.run(feeds);
    const expected = new Map<string, number>();
    for (const p of params) {
      const squares = (out[`d.${p.name}`].data as Float64Array).reduce((s, x) => s + x * x, 0);
      expected.set(layerOf(p.name), (expected.get(layerOf(p.name)) ?? 0) + squares);
    }
    assert.deepEqual(grouping.layers, ['embeddings', 'block 0', 'block 1', 'final norm']);
    grouping.layers.forEach((layer, i) => {
      const want = Math.sqrt(expected.get(layer) as number);
      assert.ok(Math.abs(ours[i] - want) <= 1e-4 * want, `${layer}: ${ours[i]} against ${want}`);
    });
    const total = ours.reduce((s, n) => s + n * n, 0);
    assert.ok(Math.abs(Math.sqrt(total) - result.gradNorm) <= 1e-4 * result.gradNorm, `Σ layers ${Math.sqrt(total)} against ‖g‖ ${result.gradNorm}`);
  });
});
