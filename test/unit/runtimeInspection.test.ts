import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GPTConfig } from '../../extension/engine/gpt/config';
import { buildDecodeModel } from '../../extension/engine/gpt/decodeModel';
import { randomWeights } from '../../extension/engine/gpt/randomWeights';
import { referenceForward } from '../../extension/engine/gpt/referenceForward';
import { readModelFolder } from '../../extension/engine/modelFolder/readModelFolder';
import { writeModelFolder } from '../../extension/engine/modelFolder/writeModelFolder';
import { create, DataLocation, fromBinary, ModelProtoSchema, StringStringEntryProtoSchema, toBinary } from '../../extension/engine/onnx/proto';
import { openInspector } from '../../extension/engine/runtime/inspection';
import { byteLevelTokenizerJson, makeTempDir, removeTempDir, wordLevelTokenizerJson } from './modelFolderFixtures';
import { buildToyDecodeGraph, TOY_DEFAULTS, toyLogits, toyWeights } from './runtimeToyGraphs';

const config: GPTConfig = { n_layer: 2, n_head: 2, n_embd: 16, n_positions: 32, vocab_size: 257, layer_norm_epsilon: 1e-5 };
const tokens = [84, 104, 101, 32, 99, 97, 116];

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'lengths differ');
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** A foreign folder: config.json, a tokenizer and one decode graph. */
function writeForeignFolder(dir: string, graphName: string, graph: Uint8Array, configJson: Record<string, unknown>): void {
  const vocabSize = configJson.vocab_size as number;
  fs.mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'onnx', graphName), graph);
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(configJson));
  const tokenizer = vocabSize > 256 ? byteLevelTokenizerJson() : wordLevelTokenizerJson(vocabSize);
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
}

describe('inspection runner', () => {
  let parent: string;
  const weights = randomWeights(config, 11);
  const reference = referenceForward(config, weights, tokens);
  beforeEach(() => (parent = makeTempDir('inspection')));
  afterEach(() => removeTempDir(parent));

  it('returns attention, residual streams and the logit lens of our GPT-2, as the reference computes them', async () => {
    const dir = path.join(parent, 'ours');
    writeModelFolder(dir, { config, weights, tokenizerJson: byteLevelTokenizerJson() });
    const inspector = await openInspector(readModelFolder(dir), { logitLens: true, threads: 1 });
    assert.equal(inspector.attentionUnavailable, undefined);
    const result = await inspector.run(tokens);
    assert.ok(maxAbsDiff(result.logits, reference.logits) < 1e-4);
    assert.equal(result.attentions.length, config.n_layer);
    result.attentions.forEach((map, i) => {
      assert.equal(map.heads, config.n_head);
      assert.ok(maxAbsDiff(map.data, reference.attentions[i]) < 1e-5, `layer ${i}`);
    });
    assert.equal(result.hiddenStates.length, config.n_layer + 1);
    result.hiddenStates.forEach((h, j) => assert.ok(maxAbsDiff(h, reference.hiddenStates[j]) < 1e-4, `stream ${j}`));
    assert.equal(result.logitLens.length, config.n_layer + 1);
    assert.ok(maxAbsDiff(result.logitLens[config.n_layer], result.logits) < 1e-5, 'the last lens is the output');
    await assert.rejects(inspector.run(new Array(33).fill(1)), /33 tokens exceed the context length of 32/);
    await inspector.release();
  });

  it('reads a foreign decode graph\'s attention from its Softmax outputs', async () => {
    const dir = path.join(parent, 'foreign');
    // Our decode graph without model.safetensors beside it: to the engine, a foreign model.
    writeForeignFolder(dir, 'model.onnx', buildDecodeModel(config, weights), { model_type: 'gpt2', n_layer: 2, n_head: 2, n_embd: 16, n_positions: 32, vocab_size: 257 });
    const folder = readModelFolder(dir);
    assert.equal(folder.kind, 'foreign');
    const inspector = await openInspector(folder, { threads: 1 });
    assert.equal(inspector.attentionUnavailable, undefined);
    const result = await inspector.run(tokens);
    assert.ok(maxAbsDiff(result.logits, reference.logits) < 1e-4);
    assert.equal(result.attentions.length, config.n_layer);
    result.attentions.forEach((map, i) => assert.ok(maxAbsDiff(map.data, reference.attentions[i]) < 1e-5, `layer ${i}`));
    assert.deepEqual(result.hiddenStates, []);
    await inspector.release();
  });

  it('says why when a foreign graph has no attention probabilities, and still returns its logits', async () => {
    const dir = path.join(parent, 'no-softmax');
    const toy = toyWeights(TOY_DEFAULTS);
    writeForeignFolder(dir, 'model.onnx', buildToyDecodeGraph(TOY_DEFAULTS, toy), { model_type: 'toy', vocab_size: 11, max_position_embeddings: 32 });
    const inspector = await openInspector(readModelFolder(dir), { threads: 1 });
    assert.match(inspector.attentionUnavailable ?? '', /no Softmax node and no known attention operator/);
    const result = await inspector.run([1, 2, 3]);
    assert.deepEqual(result.attentions, []);
    assert.ok(maxAbsDiff(result.logits.subarray(2 * 11), toyLogits(TOY_DEFAULTS, toy, [1, 2, 3], 2, 3)) < 1e-5);
    await inspector.release();
  });

  it('says why when the weights sit in an external data file, and still runs the graph from its folder', async () => {
    const dir = path.join(parent, 'external');
    const toy = toyWeights(TOY_DEFAULTS);
    const proto = fromBinary(ModelProtoSchema, buildToyDecodeGraph(TOY_DEFAULTS, toy));
    const w = proto.graph?.initializer.find((t) => t.name === 'W');
    assert.ok(w);
    const raw = w.rawData.length > 0 ? w.rawData : new Uint8Array(Float32Array.from(w.floatData).buffer);
    w.rawData = new Uint8Array(0);
    w.floatData = [];
    w.dataLocation = DataLocation.EXTERNAL;
    const entry = (key: string, value: string) => create(StringStringEntryProtoSchema, { key, value });
    w.externalData = [entry('location', 'model.onnx_data'), entry('offset', '0'), entry('length', String(raw.length))];
    writeForeignFolder(dir, 'model.onnx', toBinary(ModelProtoSchema, proto), { model_type: 'toy', vocab_size: 11, max_position_embeddings: 32 });
    fs.writeFileSync(path.join(dir, 'onnx', 'model.onnx_data'), raw);

    const inspector = await openInspector(readModelFolder(dir), { threads: 1 });
    assert.match(inspector.attentionUnavailable ?? '', /onnx\/model\.onnx keeps its weights in a separate data file/);
    const result = await inspector.run([4, 5]);
    assert.ok(maxAbsDiff(result.logits.subarray(11), toyLogits(TOY_DEFAULTS, toy, [4, 5], 1, 2)) < 1e-5);
    await inspector.release();
  });
});
