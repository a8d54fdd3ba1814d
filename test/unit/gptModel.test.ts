// GPT-2's parameters, initialization and size figures.
import * as assert from 'node:assert/strict';
import type { GPTConfig } from '../../extension/engine/gpt/config';
import { checkWeights, gpt2Parameters } from '../../extension/engine/gpt/parameters';
import { INIT_STD, randomWeights } from '../../extension/engine/gpt/randomWeights';
import { forwardFlopsPerToken, kvCacheBytes, parameterCount, trainingFlopsPerToken } from '../../extension/engine/gpt/sizes';

const GPT2_SMALL: GPTConfig = { n_layer: 12, n_head: 12, n_embd: 768, n_positions: 1024, vocab_size: 50257, layer_norm_epsilon: 1e-5 };
const SMALL: GPTConfig = { n_layer: 4, n_head: 4, n_embd: 64, n_positions: 128, vocab_size: 1000, layer_norm_epsilon: 1e-5 };

function stats(data: Float32Array): { mean: number; std: number } {
  const mean = data.reduce((a, b) => a + b, 0) / data.length;
  return { mean, std: Math.sqrt(data.reduce((a, b) => a + (b - mean) ** 2, 0) / data.length) };
}

describe('GPT-2 parameters and sizes', () => {
  it('counts the 124,439,808 parameters of GPT-2 small (Hugging Face gpt2)', () => {
    const count = parameterCount(GPT2_SMALL);
    assert.equal(count.total, 124_439_808);
    assert.equal(count.embedding, 50257 * 768 + 1024 * 768);
    assert.equal(count.nonEmbedding, count.total - count.embedding);
  });

  it('counts 2 FLOPs per weight-matrix entry, plus attention over the context and the logits', () => {
    const matrixEntries = gpt2Parameters(GPT2_SMALL)
      .filter((p) => p.dims.length === 2 && p.name.startsWith('transformer.h.'))
      .reduce((s, p) => s + p.dims[0] * p.dims[1], 0);
    const f = forwardFlopsPerToken(GPT2_SMALL, 1024);
    assert.equal(f.qkv + f.projection + f.mlp, 2 * matrixEntries);
    assert.equal(f.logits, 2 * 50257 * 768);
    assert.equal(f.attention, 2 * 2 * 12 * 1024 * 768);
    assert.equal(forwardFlopsPerToken(GPT2_SMALL, 2048).attention, 2 * f.attention);
    assert.equal(f.total, f.qkv + f.attention + f.projection + f.mlp + f.logits);
    assert.equal(trainingFlopsPerToken(GPT2_SMALL, 1024), 3 * f.total);
  });

  it('sizes the KV cache: 2 · layers · tokens · n_embd values', () => {
    assert.equal(kvCacheBytes(GPT2_SMALL, 1024), 2 * 12 * 1024 * 768 * 4);
    assert.equal(kvCacheBytes(GPT2_SMALL, 1024, 2), 2 * 12 * 1024 * 768 * 2);
  });

  it('rejects weights with a missing tensor or a wrong shape, naming it', () => {
    const weights = randomWeights(SMALL, 1);
    weights.delete('transformer.h.2.mlp.c_fc.bias');
    assert.throws(() => checkWeights(SMALL, weights), /transformer\.h\.2\.mlp\.c_fc\.bias is missing/);
    const transposed = randomWeights(SMALL, 1);
    transposed.set('transformer.h.0.attn.c_attn.weight', { dims: [192, 64], data: new Float32Array(192 * 64) });
    assert.throws(() => checkWeights(SMALL, transposed), /c_attn\.weight has shape \[192, 64\], expected \[64, 192\]/);
  });
});

describe('GPT-2 random initialization', () => {
  const weights = randomWeights(SMALL, 42);

  it('has every parameter, and the same seed gives the same weights', () => {
    checkWeights(SMALL, weights);
    const again = randomWeights(SMALL, 42);
    const other = randomWeights(SMALL, 43);
    for (const [name, t] of weights) assert.deepEqual(again.get(name)?.data, t.data, name);
    assert.notDeepEqual(other.get('transformer.wte.weight')?.data, weights.get('transformer.wte.weight')?.data);
  });

  it('draws N(0, 0.02) weights and N(0, 0.02/√(2·n_layer)) residual projections', () => {
    const wte = stats(weights.get('transformer.wte.weight')!.data);
    assert.ok(Math.abs(wte.mean) < 0.001 && Math.abs(wte.std - INIT_STD) < 0.0005, `wte: ${JSON.stringify(wte)}`);
    const residual = INIT_STD / Math.sqrt(2 * SMALL.n_layer);
    for (let i = 0; i < SMALL.n_layer; i++) {
      for (const name of [`transformer.h.${i}.attn.c_proj.weight`, `transformer.h.${i}.mlp.c_proj.weight`]) {
        const s = stats(weights.get(name)!.data);
        assert.ok(Math.abs(s.std - residual) < 0.06 * residual, `${name}: std ${s.std}, expected ${residual}`);
      }
      const fc = stats(weights.get(`transformer.h.${i}.mlp.c_fc.weight`)!.data);
      assert.ok(Math.abs(fc.std - INIT_STD) < 0.06 * INIT_STD, `c_fc std ${fc.std}`);
    }
  });

  it('sets LayerNorm gains to 1 and every bias to 0', () => {
    for (const [name, t] of weights) {
      if (/ln_(1|2|f)\.weight$/.test(name)) assert.ok(t.data.every((v) => v === 1), name);
      if (name.endsWith('.bias')) assert.ok(t.data.every((v) => v === 0), name);
    }
  });
});
