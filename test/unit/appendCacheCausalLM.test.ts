// The runtime's append-cache decode graph against the Optimum-layout decode graph (decodeModel.ts,
// the one transformers.js reads) on the same random weights: the same logits for a prompt, for
// single-token steps and for several tokens after a cache, and caches that stay immutable when an
// older one is extended again (the Decoding Playground's Back, speculative decoding's rollback).

import { strict as assert } from 'node:assert';
import type { GPTConfig } from '../../extension/engine/gpt/config';
import { buildDecodeModel } from '../../extension/engine/gpt/decodeModel';
import { randomWeights } from '../../extension/engine/gpt/randomWeights';
import type { KVCache } from '../../extension/engine/model/languageModel';
import { AppendCacheCausalLM } from '../../extension/engine/runtime/appendCacheCausalLM';
import { OnnxCausalLM } from '../../extension/engine/runtime/onnxCausalLM';

// 100 positions: more than the 64 rows a new cache buffer starts with, so the buffer grows.
const CONFIG: GPTConfig = { n_layer: 2, n_head: 4, n_embd: 32, n_positions: 100, vocab_size: 97, layer_norm_epsilon: 1e-5 };
const TOLERANCE = 1e-5;

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

const tokens = (length: number, seed: number) => Array.from({ length }, (_, i) => (i * 31 + seed * 7) % CONFIG.vocab_size);

describe('the append-cache decode graph', () => {
  let ours: AppendCacheCausalLM;
  let optimum: OnnxCausalLM;

  before(async () => {
    const weights = randomWeights(CONFIG, 11);
    ours = await AppendCacheCausalLM.open(CONFIG, weights, 'append-cache graph', { threads: 1 });
    optimum = await OnnxCausalLM.open(buildDecodeModel(CONFIG, weights), { contextLength: CONFIG.n_positions, threads: 1 });
  });
  after(async () => {
    await ours?.release();
    await optimum?.release();
  });

  it('gives the logits of the Optimum-layout graph for a prompt, single steps and several tokens after a cache', async () => {
    const prompt = tokens(7, 1);
    let a = await ours.forwardAll(prompt);
    let b = await optimum.forwardAll(prompt);
    assert.ok(maxAbsDiff(a.logits, b.logits) < TOLERANCE, 'prompt');
    // Single steps past the first buffer's 64 rows.
    for (const token of tokens(70, 2)) {
      const [nextA, nextB] = [await ours.forward([token], a.cache), await optimum.forward([token], b.cache)];
      assert.ok(maxAbsDiff(nextA.logits, nextB.logits) < TOLERANCE, `step at ${a.cache.length}`);
      a = { logits: nextA.logits, cache: nextA.cache };
      b = { logits: nextB.logits, cache: nextB.cache };
    }
    const several = tokens(5, 3);
    const [moreA, moreB] = [await ours.forwardAll(several, a.cache), await optimum.forwardAll(several, b.cache)];
    assert.equal(moreA.logits.length, several.length * CONFIG.vocab_size);
    assert.ok(maxAbsDiff(moreA.logits, moreB.logits) < TOLERANCE, 'five tokens after 77');
    assert.equal(moreA.cache.length, 82);
    assert.equal(moreA.cache.bytes, 82 * CONFIG.n_embd * 2 * CONFIG.n_layer * 4, 'tokens × C × (key, value) × layers × 4 bytes');
  });

  it("forward() computes the last token's logits alone: the last row of forwardAll()", async () => {
    const prompt = tokens(9, 6);
    const all = await ours.forwardAll(prompt);
    const last = await ours.forward(prompt);
    assert.equal(last.logits.length, CONFIG.vocab_size);
    assert.ok(maxAbsDiff(last.logits, all.logits.subarray(8 * CONFIG.vocab_size)) < TOLERANCE);
    const afterAll = await ours.forward([3, 4], all.cache);
    const afterLast = await ours.forward([3, 4], last.cache);
    assert.ok(maxAbsDiff(afterAll.logits, afterLast.logits) < TOLERANCE, 'the same cache either way');
  });

  it('keeps a cache valid after an older one is extended again', async () => {
    const start = await ours.forward(tokens(6, 4));
    const left = await ours.forward([5], start.cache);
    const right = await ours.forward([9], start.cache); // the same rows of the buffer, another token
    const afterLeft = await ours.forward([1, 2], left.cache);
    const afterRight = await ours.forward([1, 2], right.cache);
    const expect = async (prefix: number[], cache: KVCache, logits: Float32Array) => {
      const fresh = await optimum.forward([...tokens(6, 4), ...prefix]);
      assert.ok(maxAbsDiff(logits, fresh.logits) < TOLERANCE, `after ${prefix.join(', ')}`);
      assert.equal(cache.length, 6 + prefix.length);
    };
    await expect([5, 1, 2], afterLeft.cache, afterLeft.logits);
    await expect([9, 1, 2], afterRight.cache, afterRight.logits);
    // Extending the first cache once more still sees only its own six tokens.
    const again = await ours.forward([5], start.cache);
    assert.ok(maxAbsDiff(again.logits, left.logits) < TOLERANCE);
  });

  it('refuses a sequence longer than the context and a cache from another model', async () => {
    const full = await ours.forward(tokens(CONFIG.n_positions, 5));
    await assert.rejects(ours.forward([1], full.cache), /101 tokens exceed the context length of 100/);
    const foreign = await optimum.forward([1, 2]);
    await assert.rejects(ours.forward([3], foreign.cache), /the cache passed to forward\(\) was made by another model/);
  });
});
