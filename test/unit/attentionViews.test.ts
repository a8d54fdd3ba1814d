// What the attention panel is sent, computed on a real model folder (random weights, a trained
// BPE tokenizer) through the inspection runner, and checked against independent computations:
// the TypeScript reference forward for attention and hidden states, brute force for top tokens.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { headMatrix, meanOverHeads, thumbnails } from '../../extension/attention/attentionMatrices';
import { embeddingView } from '../../extension/attention/embeddingProjection';
import { attentionOf, inspectionView, lensView, normsView } from '../../extension/attention/inspectionViews';
import { intensityLevels, MIN_SHARE } from '../../extension/attention/intensityLevels';
import { modelFacts } from '../../extension/attention/modelFacts';
import { residualNorms } from '../../extension/attention/residualNorms';
import { inspectText } from '../../extension/attention/textInspection';
import { LENS_TOP_K, topTokens } from '../../extension/engine/runtime/topTokens';
import { referenceForward } from '../../extension/engine/gpt/referenceForward';
import { LoadedModel } from '../../extension/model/loadedModel';
import { isAttentionData, MEAN_HEAD } from '../../webviews/attention/protocol';
import { makeTempDir, removeTempDir } from './modelFolderFixtures';
import { STORY, writeTinyModel, type TinyModel } from './attentionModelFixture';

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'lengths differ');
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('attention panel: pure helpers', () => {
  it('topTokens keeps the k largest logits with softmax probabilities, as sorting does', () => {
    const vocab = 50;
    const rows = 3;
    const logits = Float32Array.from({ length: rows * vocab }, (_, i) => Math.sin(i * 1.7) * 10 + (i % 7));
    const top = topTokens(logits, rows, vocab, 4);
    for (let r = 0; r < rows; r++) {
      const row = Array.from(logits.subarray(r * vocab, (r + 1) * vocab));
      const order = row.map((z, id) => ({ z, id })).sort((a, b) => b.z - a.z).slice(0, 4);
      const sum = row.reduce((s, z) => s + Math.exp(z), 0);
      assert.deepEqual(Array.from(top.ids.subarray(r * 4, r * 4 + 4)), order.map((o) => o.id));
      order.forEach((o, j) => assert.ok(Math.abs(top.probs[r * 4 + j] - Math.exp(o.z) / sum) < 1e-6));
    }
    assert.equal(topTokens(new Float32Array([1e4, 1e4 + 1]), 1, 2, 5).k, 2, 'k is cut to the vocabulary');
    assert.ok(Math.abs(topTokens(new Float32Array([1e4, 1e4]), 1, 2, 1).probs[0] - 0.5) < 1e-7, 'no overflow on large logits');
  });

  it('residualNorms is the L2 norm of each token row of each stream', () => {
    const streams = [Float32Array.of(3, 4, 0, 0), Float32Array.of(1, 1, 1, 1)];
    assert.deepEqual(Array.from(residualNorms(streams, 2, 2)), [5, 0, Math.SQRT2, Math.SQRT2].map(Math.fround));
    assert.throws(() => residualNorms([new Float32Array(3)], 2, 2), /holds 3 values, not 2 × 2/);
  });

  it('thumbnails are exact when small and block means when shrunk; the mean head keeps rows summing to 1', () => {
    const T = 4;
    const data = Float32Array.from({ length: 2 * T * T }, (_, i) => i);
    assert.deepEqual(thumbnails(data, 2, T, T), data);
    const half = thumbnails(data, 2, T, 2);
    // Head 0, block (0, 0): rows 0–1, columns 0–1 hold 0, 1, 4, 5.
    assert.equal(half[0], (0 + 1 + 4 + 5) / 4);
    // Head 1, block (1, 1): 16 + rows 2–3, columns 2–3.
    assert.equal(half[4 + 3], 16 + (10 + 11 + 14 + 15) / 4);
    assert.deepEqual(headMatrix(data, 1, T), data.subarray(16));
    assert.throws(() => headMatrix(data, 2, T), /head 2 is outside/);
    const rows = Float32Array.of(1, 0, 0.5, 0.5, 0, 1, 0.25, 0.75);
    assert.deepEqual(Array.from(meanOverHeads(rows, 2, 2)), [0.5, 0.5, 0.375, 0.625]);
  });

  it('intensityLevels gives the largest weight the top level and drops weights under the floor', () => {
    assert.deepEqual(intensityLevels([0.5, 0.25, 0.2, 0.05 * MIN_SHARE, 0], 4), [4, 2, 2, 0, 0]);
    assert.deepEqual(intensityLevels([0, 0], 4), [0, 0]);
  });
});

describe('attention panel: views of a real run', () => {
  let parent: string;
  let tiny: TinyModel;
  let model: LoadedModel;
  before(() => {
    parent = makeTempDir('attention-views');
    tiny = writeTinyModel(path.join(parent, 'tiny'), { n_positions: 32 });
    model = LoadedModel.open(tiny.dir, { threads: 1 });
  });
  after(async () => {
    await model.release();
    removeTempDir(parent);
  });

  it('sends the inspection runner\'s attention, equal to the reference forward, with rows summing to 1', async () => {
    const text = STORY.slice(0, 60);
    const [tokenizer, inspector] = [await model.tokenizer(), await model.inspector()];
    const inspection = await inspectText(text, tokenizer, inspector);
    const T = inspection.spans.length;
    assert.equal(inspection.cut, undefined);
    assert.deepEqual(inspection.spans.map((s) => text.slice(s.start, s.end)).join(''), text, 'spans cover the text');
    const reference = referenceForward(tiny.config, tiny.weights, inspection.result.tokens);
    const view = inspectionView({ runId: 3, text, source: 's', linked: true, notices: [], inspection, selected: { layer: 1, head: 2 } });
    assert.deepEqual(view.heads, [4, 4]);
    assert.equal(view.thumbnailSize, T, 'thumbnails are exact up to 32 tokens');
    for (let layer = 0; layer < 2; layer++) {
      assert.ok(maxAbsDiff(view.thumbnails[layer], reference.attentions[layer]) < 1e-5, `layer ${layer}`);
      for (let head = 0; head < 4; head++) {
        const m = attentionOf(inspection.result, layer, head).data;
        for (let q = 0; q < T; q++) {
          const row = m.subarray(q * T, (q + 1) * T);
          assert.ok(Math.abs(row.reduce((s, v) => s + v, 0) - 1) < 1e-5, `row ${q} sums to 1`);
          assert.ok(row.subarray(q + 1).every((v) => v === 0), `row ${q} is causal`);
        }
      }
    }
    assert.ok(view.selected && view.selected.layer === 1 && view.selected.head === 2);
    assert.ok(maxAbsDiff(view.selected.data, reference.attentions[1].subarray(2 * T * T, 3 * T * T)) < 1e-5);
    const mean = attentionOf(inspection.result, 0, MEAN_HEAD).data;
    assert.ok(Math.abs(mean.subarray(0, T).reduce((s, v) => s + v, 0) - 1) < 1e-5);

    const norms = normsView(3, inspection.result);
    assert.ok(norms);
    assert.equal(norms.streams, 3);
    const expectedNorms = residualNorms(reference.hiddenStates.map((h) => Float32Array.from(h)), T, tiny.config.n_embd);
    assert.ok(maxAbsDiff(norms.norms, expectedNorms) < 1e-3);

    const lens = lensView(3, inspection.result, tokenizer, tiny.config.vocab_size);
    assert.ok(lens);
    assert.equal(lens.k, LENS_TOP_K);
    // The last stream's lens is the model's own prediction.
    const last = topTokens(inspection.result.logits, T, tiny.config.vocab_size, LENS_TOP_K);
    assert.deepEqual(lens.ids.subarray(2 * T * LENS_TOP_K), last.ids);
    assert.equal(lens.texts[0], tokenizer.decode([lens.ids[0]]));
  });

  it('cuts a text longer than the context to its first tokens and says how many there were', async () => {
    const text = `${STORY}\n${STORY}`;
    const inspection = await inspectText(text, await model.tokenizer(), await model.inspector());
    assert.equal(inspection.spans.length, 32);
    assert.ok(inspection.cut && inspection.cut.tokens > 32 && !inspection.cut.atLeast && inspection.cut.contextLength === 32);
    assert.equal(inspection.result.tokens.length, 32);
    await assert.rejects(inspectText('', await model.tokenizer(), await model.inspector()), /no tokens/);
  });

  it('projects embeddings on the first two principal components of the learned tokens\' embeddings', async () => {
    const wte = model.gpt2Weights()?.get('transformer.wte.weight');
    assert.ok(wte);
    const tokenizer = await model.tokenizer();
    const ids = (await tokenizer.encode('the fox')).map((s) => s.id);
    const view = embeddingView(1, wte, ids, tokenizer);
    // The axes come from every token but the 256 single bytes: the merges and <|endoftext|>.
    assert.equal(view.basisRows, tiny.config.vocab_size - 256);
    assert.deepEqual(Array.from(view.vocabulary.ids), Array.from({ length: tiny.config.vocab_size - 256 }, (_, i) => 256 + i));
    assert.equal(view.x.length, ids.length);
    // A token of the text sits where its vocabulary point sits.
    const fox = ids.length - 1;
    const at = Array.from(view.vocabulary.ids).indexOf(ids[fox]);
    assert.ok(at >= 0, '" fox" is a learned merge');
    assert.ok(Math.abs(view.x[fox] - view.vocabulary.x[at]) < 1e-6 && Math.abs(view.y[fox] - view.vocabulary.y[at]) < 1e-6);
    // The backdrop is centred (PCA subtracts the mean) and the first axis spreads it most.
    const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
    const variance = (a: Float32Array) => a.reduce((s, v) => s + (v - mean(a)) ** 2, 0) / (a.length - 1);
    assert.ok(Math.abs(mean(view.vocabulary.x)) < 1e-4 && Math.abs(mean(view.vocabulary.y)) < 1e-4);
    assert.ok(variance(view.vocabulary.x) >= variance(view.vocabulary.y));
    assert.ok(view.explained[0] >= view.explained[1] && view.explained[0] + view.explained[1] < 1);
    assert.equal(view.vocabulary.texts[at], ' fox');
  });

  it('sends typed arrays whose lengths match the shapes the protocol declares; the webview drops one that does not', async () => {
    const text = STORY.slice(0, 80);
    const tokenizer = await model.tokenizer();
    const inspection = await inspectText(text, tokenizer, await model.inspector());
    const { result } = inspection;
    const wte = model.gpt2Weights()?.get('transformer.wte.weight');
    assert.ok(wte);
    const messages = [
      { type: 'inspection', payload: inspectionView({ runId: 4, text, source: '', linked: false, notices: [], inspection, selected: { layer: 0, head: MEAN_HEAD } }) },
      { type: 'head', payload: { runId: 4, ...attentionOf(result, 1, 3) } },
      { type: 'norms', payload: normsView(4, result) },
      { type: 'lens', payload: lensView(4, result, tokenizer, tiny.config.vocab_size) },
      { type: 'embeddings', payload: embeddingView(4, wte, result.tokens, tokenizer) },
    ];
    for (const m of messages) assert.ok(isAttentionData(m), `${m.type} is rejected`);
    // Structured cloning keeps the arrays' kinds, as VS Code's binary transfer to the webview does.
    for (const m of messages) assert.ok(isAttentionData(structuredClone(m)), `${m.type} is rejected after cloning`);

    const T = inspection.spans.length;
    const [overview, head, norms, lens, embeddings] = messages.map((m) => m.payload) as [
      ReturnType<typeof inspectionView>, ReturnType<typeof attentionOf>, NonNullable<ReturnType<typeof normsView>>, NonNullable<ReturnType<typeof lensView>>, ReturnType<typeof embeddingView>,
    ];
    const broken = [
      { type: 'inspection', payload: { ...overview, thumbnails: [overview.thumbnails[0].subarray(1), overview.thumbnails[1]] } },
      { type: 'inspection', payload: { ...overview, selected: { ...head, data: new Float32Array((T - 1) * (T - 1)) } } },
      { type: 'head', payload: { runId: 4, ...head, data: head.data.subarray(1) } },
      { type: 'head', payload: { runId: 4, ...head, data: Array.from(head.data) } },
      { type: 'norms', payload: { ...norms, norms: norms.norms.subarray(1) } },
      { type: 'lens', payload: { ...lens, probs: lens.probs.subarray(1) } },
      { type: 'lens', payload: { ...lens, ids: Float32Array.from(lens.ids) } },
      { type: 'embeddings', payload: { ...embeddings, y: embeddings.y.subarray(1) } },
    ];
    for (const m of broken) assert.equal(isAttentionData(m), false, `a broken ${m.type} message passes`);
  });

  it('lists the model\'s facts from its config and the architecture\'s parameter count', async () => {
    const facts = await modelFacts(model.folder, false);
    assert.equal(facts.kind, 'gpt2');
    assert.equal(facts.layers, 2);
    assert.equal(facts.heads, 4);
    assert.equal(facts.headDim, 8);
    assert.equal(facts.embeddingDim, 32);
    assert.equal(facts.contextLength, 32);
    assert.equal(facts.vocabSize, tiny.config.vocab_size);
    const stored = [...tiny.weights.values()].reduce((s, t) => s + t.data.length, 0);
    assert.equal(facts.parameters, stored);
    // The calculator's figures: N leaves out wte and wpe; the KV cache is 2·L·d·2 bytes in fp16.
    const sizes = facts.sizes;
    assert.ok(sizes && !('unavailable' in sizes), JSON.stringify(sizes));
    const embeddings = (tiny.weights.get('transformer.wte.weight')?.data.length ?? 0) + (tiny.weights.get('transformer.wpe.weight')?.data.length ?? 0);
    assert.equal(sizes.nonEmbeddingParameters, stored - embeddings);
    assert.equal(sizes.kvCacheBytesPerToken, 2 * 2 * 32 * 2);
    assert.equal(sizes.context, 32);
  });
});
