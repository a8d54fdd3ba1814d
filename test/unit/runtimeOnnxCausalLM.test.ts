import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GraphBuilder } from '../../extension/engine/onnx';
import { OnnxCausalLM } from '../../extension/engine/runtime/onnxCausalLM';
import { scoreTokens } from '../../extension/engine/runtime/scoreTokens';
import { makeTempDir, removeTempDir } from './modelFolderFixtures';
import { buildToyDecodeGraph, TOY_DEFAULTS, toyLogits, toyWeights, type ToyOptions } from './runtimeToyGraphs';

function assertClose(actual: Float32Array, expected: Float32Array, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  assert.ok(worst <= tolerance, `${what}: max abs diff ${worst} > ${tolerance}`);
}

async function openToy(overrides: Partial<ToyOptions>): Promise<{ model: OnnxCausalLM; options: ToyOptions; weights: ReturnType<typeof toyWeights> }> {
  const options = { ...TOY_DEFAULTS, ...overrides };
  const weights = toyWeights(options);
  const config = { modelType: 'toy', eosTokenIds: [], numKeyValueHeads: options.heads, headDim: options.headDim };
  const model = await OnnxCausalLM.open(buildToyDecodeGraph(options, weights), { contextLength: options.context, shownAs: 'toy.onnx', threads: 1, config });
  return { model, options, weights };
}

const prompt = [3, 1, 4, 1, 5];
const continuation = [9, 2, 6, 5];

describe('OnnxCausalLM on decode graphs in the Optimum layout', () => {
  it('prefills, then decodes one token at a time by feeding present.* back as past_key_values.*', async () => {
    const { model, options, weights } = await openToy({});
    assert.equal(model.hasKVCache, true);
    assert.equal(model.vocabSize, options.vocab);
    let step = await model.forward(prompt);
    const seen = [...prompt];
    assertClose(step.logits, toyLogits(options, weights, seen, seen.length - 1, seen.length), 1e-5, 'prefill');
    for (const token of continuation) {
      step = await model.forward([token], step.cache);
      seen.push(token);
      assertClose(step.logits, toyLogits(options, weights, seen, seen.length - 1, seen.length), 1e-5, `decode at ${seen.length}`);
    }
    assert.equal(step.cache.length, seen.length);
    // keys and values of 2 layers: 2 × 2 × [1, heads, length, headDim] float32
    assert.equal(step.cache.bytes, 2 * 2 * options.heads * seen.length * options.headDim * 4);
    await model.release();
  });

  it('leaves a cache unchanged, so two continuations can branch from it', async () => {
    const { model, options, weights } = await openToy({});
    const shared = await model.forward(prompt);
    const a = await model.forward([7], shared.cache);
    const b = await model.forward([8, 2], shared.cache);
    assert.equal(shared.cache.length, prompt.length);
    assertClose(a.logits, toyLogits(options, weights, [...prompt, 7], prompt.length, prompt.length + 1), 1e-5, 'branch a');
    assertClose(b.logits, toyLogits(options, weights, [...prompt, 8, 2], prompt.length + 1, prompt.length + 2), 1e-5, 'branch b');
    await model.release();
  });

  it('runs a graph without past_key_values by recomputing the sequence, and says so', async () => {
    const { model, options, weights } = await openToy({ past: false });
    assert.equal(model.hasKVCache, false);
    let step = await model.forward(prompt);
    const seen = [...prompt];
    for (const token of continuation) {
      step = await model.forward([token], step.cache);
      seen.push(token);
      assertClose(step.logits, toyLogits(options, weights, seen, seen.length - 1, seen.length), 1e-5, `recompute at ${seen.length}`);
    }
    assert.equal(step.cache.length, seen.length);
    assert.equal(step.cache.bytes, 0);
    await model.release();
  });

  it('feeds only the inputs a graph declares (no position_ids here)', async () => {
    const { model, options, weights } = await openToy({ positionIds: false });
    assert.equal(model.signature.positionIds, undefined);
    const first = await model.forward(prompt);
    const next = await model.forward([2], first.cache);
    assertClose(next.logits, toyLogits(options, weights, [...prompt, 2], prompt.length, prompt.length + 1), 1e-5, 'no position ids');
    await model.release();
  });

  it('takes head count and head size from config.json when the graph leaves them symbolic', async () => {
    const options = { ...TOY_DEFAULTS, heads: 4, headDim: 2, symbolicHeads: true };
    const weights = toyWeights(options);
    const graph = buildToyDecodeGraph(options, weights);
    await assert.rejects(
      OnnxCausalLM.open(graph, { contextLength: 32, shownAs: 'onnx/model.onnx', config: { modelType: 'toy', eosTokenIds: [] } }),
      /onnx\/model\.onnx: past_key_values\.0\.key leaves its head count symbolic and config\.json has no num_key_value_heads/,
    );
    const model = await OnnxCausalLM.open(graph, { contextLength: 32, config: { modelType: 'toy', eosTokenIds: [], numKeyValueHeads: 4, headDim: 2 } });
    assert.deepEqual(model.signature.past[0].emptyDims, [1, 4, 0, 2]);
    const first = await model.forward(prompt);
    const next = await model.forward([2], first.cache);
    assertClose(next.logits, toyLogits(options, weights, [...prompt, 2], prompt.length, prompt.length + 1), 1e-5, 'symbolic heads');
    await model.release();
  });

  it('reads float16 caches and logits, widening the logits to float32', async () => {
    const { model, options, weights } = await openToy({ float16: true });
    assert.equal(model.signature.logitsType, 'float16');
    const first = await model.forward(prompt);
    const next = await model.forward([2], first.cache);
    assertClose(next.logits, toyLogits(options, weights, [...prompt, 2], prompt.length, prompt.length + 1), 2e-2, 'float16');
    assert.equal(next.cache.bytes, 2 * 2 * options.heads * (prompt.length + 1) * options.headDim * 2);
    await model.release();
  });

  for (const past of [true, false]) {
    it(`returns the logits of every new position for evaluation (${past ? 'with' : 'without'} a KV cache)`, async () => {
      const { model, options, weights } = await openToy({ past });
      const tokens = [...prompt, ...continuation];
      const first = await model.forwardAll(prompt);
      const { logits, cache } = await model.forwardAll(continuation, first.cache);
      assert.equal(first.logits.length, prompt.length * options.vocab);
      assert.equal(logits.length, continuation.length * options.vocab);
      assert.equal(cache.length, tokens.length);
      for (let t = prompt.length; t < tokens.length; t++) {
        const row = logits.subarray((t - prompt.length) * options.vocab, (t - prompt.length + 1) * options.vocab);
        assertClose(row, toyLogits(options, weights, tokens, t, tokens.length), 1e-5, `row ${t}`);
      }
      await model.release();
    });
  }

  it('refuses what it cannot run, with the reason', async () => {
    const { model } = await openToy({ context: 8 });
    const other = (await openToy({})).model;
    const full = await model.forward([1, 2, 3, 4, 5, 6]);
    await assert.rejects(model.forward([1, 2, 3], full.cache), /toy\.onnx: 9 tokens exceed the context length of 8/);
    await assert.rejects(other.forward([1], full.cache), /toy\.onnx: the cache passed to forward\(\) was made by another model/);
    await assert.rejects(model.forward([]), /forward\(\) needs at least one token/);
    await Promise.all([model.release(), other.release()]);

    const g = new GraphBuilder();
    g.input('input_ids', 'int64', ['batch', 'seq']);
    const flag = g.input('use_cache_branch', 'bool', [1]);
    g.output(g.op('Cast', [flag], { to: { kind: 'int', value: 1 } }), { name: 'logits', dtype: 'float32', dims: [1] });
    await assert.rejects(
      OnnxCausalLM.open(g.toBytes(), { contextLength: 8, shownAs: 'onnx/decoder_model_merged.onnx' }),
      /onnx\/decoder_model_merged\.onnx: has inputs this runtime cannot feed: use_cache_branch/,
    );
  });

  it('wraps the load error of a truncated .onnx file with its path', async () => {
    const dir = makeTempDir('truncated-onnx');
    try {
      const bytes = buildToyDecodeGraph(TOY_DEFAULTS, toyWeights(TOY_DEFAULTS));
      const file = path.join(dir, 'model.onnx');
      fs.writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
      await assert.rejects(OnnxCausalLM.open(file, { contextLength: 8, shownAs: 'onnx/model.onnx' }), /^ModelFolderError: onnx\/model\.onnx: ONNX Runtime cannot load it: .+/);
    } finally {
      removeTempDir(dir);
    }
  });
});

describe('scoreTokens', () => {
  const tokens = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7];

  /** −ln softmax(toy logits)[target], for a window run in one call. */
  function expectedNats(options: ToyOptions, weights: ReturnType<typeof toyWeights>, windowTokens: number[], t: number, total: number): number {
    const row = toyLogits(options, weights, windowTokens, t - 1, total);
    const max = Math.max(...row);
    return max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0)) - row[windowTokens[t]];
  }

  it('scores every token after the first once, sliding windows by the stride', async () => {
    const { model, options, weights } = await openToy({});
    const window = 6;
    const stride = 4;
    const { nats, totalNats } = await scoreTokens(model, tokens, { window, stride });
    assert.equal(nats.length, tokens.length - 1);
    // Windows start at 0, 4, 8: [0,6) scores 1..6 (its last row predicts token 6), [4,10) scores
    // 7..10, [8,14) scores 11..13.
    const responsible = [[0, 1, 7], [4, 7, 11], [8, 11, 14]];
    for (const [begin, first, end] of responsible) {
      // The window's tokens, and the one past it that its last row predicts.
      const slice = tokens.slice(begin, begin + window + 1);
      for (let t = first; t < end; t++) {
        assert.ok(Math.abs(nats[t - 1] - expectedNats(options, weights, slice, t - begin, Math.min(window, slice.length))) < 1e-4, `token ${t}`);
      }
    }
    assert.ok(Math.abs(totalNats - nats.reduce((a, b) => a + b, 0)) < 1e-9);
    await model.release();
  });

  it('gives the same scores when a window runs in several calls through the cache', async () => {
    // Without the attention-mask term the toy's logits do not depend on how a window is split into calls.
    const { model, options, weights } = await openToy({ maskTerm: false });
    const whole = await scoreTokens(model, tokens, { window: 14, stride: 14 });
    const pieces = await scoreTokens(model, tokens, { window: 14, stride: 14, rowsPerCall: 3 });
    for (let t = 1; t < tokens.length; t++) {
      const expected = expectedNats(options, weights, tokens, t, tokens.length);
      assert.ok(Math.abs(whole.nats[t - 1] - expected) < 1e-4, `whole, token ${t}`);
      assert.ok(Math.abs(pieces.nats[t - 1] - expected) < 1e-4, `pieces, token ${t}`);
    }
    await model.release();
  });
});
