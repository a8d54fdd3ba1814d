import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GPTConfig } from '../../extension/engine/gpt/config';
import { randomWeights } from '../../extension/engine/gpt/randomWeights';
import { referenceForward } from '../../extension/engine/gpt/referenceForward';
import { readGPT2Weights } from '../../extension/engine/modelFolder/gpt2Weights';
import { readModelFolder } from '../../extension/engine/modelFolder/readModelFolder';
import { readSafetensors, writeSafetensors } from '../../extension/engine/modelFolder/safetensors';
import { writeModelFolder } from '../../extension/engine/modelFolder/writeModelFolder';
import { openModelFolder } from '../../extension/engine/runtime/openModelFolder';
import { OnnxCausalLM } from '../../extension/engine/runtime/onnxCausalLM';
import { byteLevelTokenizerJson, END_OF_TEXT_ID, makeTempDir, removeTempDir, wordLevelTokenizerJson } from './modelFolderFixtures';
import { buildToyDecodeGraph, TOY_DEFAULTS, toyLogits, toyWeights } from './runtimeToyGraphs';

const config: GPTConfig = { n_layer: 2, n_head: 2, n_embd: 16, n_positions: 32, vocab_size: 260, layer_norm_epsilon: 1e-5 };

function editJson(file: string, edit: (json: Record<string, unknown>) => void): void {
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(json);
  fs.writeFileSync(file, JSON.stringify(json));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('model folders: write, read, open', () => {
  let parent: string;
  let dir: string;
  const weights = randomWeights(config, 3);
  beforeEach(() => {
    parent = makeTempDir('model-folder');
    dir = path.join(parent, 'gpt');
  });
  afterEach(() => removeTempDir(parent));

  const write = () =>
    writeModelFolder(dir, {
      config,
      weights,
      tokenizerJson: byteLevelTokenizerJson(),
      chatTemplate: '{% for m in messages %}{{ m.content }}{% endfor %}',
      extraFiles: { 'README.md': '# A tiny GPT-2\n' },
    });

  it('writes the Hugging Face layout and describes it back as our GPT-2', () => {
    const written = write();
    assert.deepEqual(written, ['onnx/model.onnx', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'README.md', 'config.json']);
    const leftovers = fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.tmp'));
    assert.deepEqual(leftovers, [], 'every temporary file was renamed into place');

    const folder = readModelFolder(dir);
    assert.equal(folder.kind, 'gpt2');
    assert.equal(folder.name, 'gpt');
    assert.deepEqual(folder.gpt2, { gpt: config, bosTokenId: END_OF_TEXT_ID, eosTokenId: END_OF_TEXT_ID });
    assert.deepEqual(folder.onnxFiles, ['onnx/model.onnx']);
    assert.deepEqual(folder.generation.eosTokenIds, [END_OF_TEXT_ID]);
    assert.equal(folder.chatTemplate, '{% for m in messages %}{{ m.content }}{% endfor %}');
    assert.equal(folder.tokenizerConfig.eos_token, '<|endoftext|>');
    assert.equal(fs.readFileSync(path.join(dir, 'README.md'), 'utf8'), '# A tiny GPT-2\n');

    const stored = readSafetensors(path.join(dir, 'model.safetensors'));
    assert.deepEqual(stored.metadata, { format: 'pt' });
    for (const [name, tensor] of weights) assert.deepEqual(stored.tensors.get(name)?.data, tensor.data, name);
  });

  it('runs a GPT-2 folder that has only model.safetensors by building its decode graph', async () => {
    write();
    fs.rmSync(path.join(dir, 'onnx'), { recursive: true });
    const { folder, model } = await openModelFolder(dir, { threads: 1 });
    assert.deepEqual(folder.onnxFiles, []);
    assert.equal(model.shownAs, 'decode graph built from model.safetensors');
    const tokens = [72, 105, 33];
    const { logits } = await model.forwardAll(tokens);
    assert.ok(maxAbsDiff(logits, referenceForward(config, weights, tokens).logits) < 1e-4);
    await model.release();
  });

  it('reads GPT-2 checkpoints without the "transformer." prefix and with stored mask buffers', () => {
    const hubStyle = new Map([...weights].map(([name, t]) => [name.replace(/^transformer\./, ''), t]));
    hubStyle.set('h.0.attn.bias', { dims: [1, 1, 32, 32], data: new Float32Array(32 * 32) });
    hubStyle.set('lm_head.weight', weights.get('transformer.wte.weight') as { dims: number[]; data: Float32Array });
    const file = path.join(parent, 'hub.safetensors');
    writeSafetensors(file, hubStyle);
    const read = readGPT2Weights(file, config);
    assert.deepEqual([...read.keys()].sort(), [...weights.keys()].sort());
  });

  describe('names the file and the problem of a broken folder', () => {
    it('missing files', () => {
      assert.throws(() => readModelFolder(path.join(parent, 'absent')), /absent: is not a folder/);
      write();
      fs.rmSync(path.join(dir, 'tokenizer.json'));
      assert.throws(() => readModelFolder(dir), /^ModelFolderError: tokenizer\.json: is missing$/);
      fs.rmSync(path.join(dir, 'config.json'));
      assert.throws(() => readModelFolder(dir), /^ModelFolderError: config\.json: is missing$/);
    });

    it('a folder with neither weights nor a decode graph', () => {
      write();
      fs.rmSync(path.join(dir, 'onnx'), { recursive: true });
      fs.rmSync(path.join(dir, 'model.safetensors'));
      assert.throws(() => readModelFolder(dir), /gpt: has neither model\.safetensors nor a decode graph \(looked for onnx\/model\.onnx, onnx\/model_quantized\.onnx/);
    });

    it('config.json without n_embd, or not valid JSON', () => {
      write();
      editJson(path.join(dir, 'config.json'), (json) => delete json.n_embd);
      assert.throws(() => readModelFolder(dir), /^ModelFolderError: config\.json: n_embd is missing$/);
      fs.writeFileSync(path.join(dir, 'config.json'), '{"model_type": "gpt2",');
      assert.throws(() => readModelFolder(dir), /^ModelFolderError: config\.json: is not valid JSON/);
    });

    it('a tokenizer whose vocabulary does not match config.vocab_size', () => {
      write();
      editJson(path.join(dir, 'config.json'), (json) => (json.vocab_size = 200));
      // The weights now disagree too; the tokenizer is checked by readModelFolder for any model.
      fs.rmSync(path.join(dir, 'model.safetensors'));
      assert.throws(() => readModelFolder(dir), /^ModelFolderError: tokenizer\.json: token "[^"]+" has id 256, but config\.json vocab_size is 200/);
    });

    it('weights that do not match config.json', () => {
      write();
      editJson(path.join(dir, 'config.json'), (json) => (json.n_layer = 3));
      assert.throws(() => readModelFolder(dir), /^ModelFolderError: model\.safetensors: holds 2 layers \(transformer\.h\.0 to transformer\.h\.1\) but config\.json has n_layer 3$/);
      editJson(path.join(dir, 'config.json'), (json) => Object.assign(json, { n_layer: 2, n_positions: 64 }));
      assert.throws(() => readModelFolder(dir), /model\.safetensors: tensor transformer\.wpe\.weight has shape \[32, 16\] but config\.json implies \[64, 16\]/);
    });

    it('a truncated onnx/model.onnx, with ONNX Runtime\'s reason', async () => {
      write();
      // Without model.safetensors the graph is all the runtime has (with it, the runtime builds its own).
      fs.rmSync(path.join(dir, 'model.safetensors'));
      const file = path.join(dir, 'onnx', 'model.onnx');
      fs.truncateSync(file, Math.floor(fs.statSync(file).size / 3));
      await assert.rejects(openModelFolder(dir), /^ModelFolderError: onnx\/model\.onnx: ONNX Runtime cannot load it: .+/);
    });
  });

  it('opens a foreign folder whose only graph is onnx/model_quantized.onnx, without past_key_values', async () => {
    const options = { ...TOY_DEFAULTS, past: false };
    const toy = toyWeights(options);
    const foreign = path.join(parent, 'foreign');
    fs.mkdirSync(path.join(foreign, 'onnx'), { recursive: true });
    fs.writeFileSync(path.join(foreign, 'onnx', 'model_quantized.onnx'), buildToyDecodeGraph(options, toy));
    fs.writeFileSync(path.join(foreign, 'config.json'), JSON.stringify({ model_type: 'toy', vocab_size: options.vocab, max_position_embeddings: options.context, eos_token_id: [1, 2] }));
    fs.writeFileSync(path.join(foreign, 'tokenizer.json'), JSON.stringify(wordLevelTokenizerJson(options.vocab)));

    const { folder, model } = await openModelFolder(foreign, { threads: 1 });
    assert.equal(folder.kind, 'foreign');
    assert.equal(folder.config.modelType, 'toy');
    assert.deepEqual(folder.onnxFiles, ['onnx/model_quantized.onnx']);
    assert.deepEqual(folder.config.eosTokenIds, [1, 2]);
    assert.equal(model.hasKVCache, false);
    assert.equal(model.contextLength, options.context);
    const first = await model.forward([4, 5]);
    const next = await model.forward([6], first.cache);
    assert.ok(maxAbsDiff(next.logits, toyLogits(options, toy, [4, 5, 6], 2, 3)) < 1e-5);
    await model.release();
  });

  it('sizes the empty cache of a grouped-query-attention folder from num_key_value_heads and head_dim', async () => {
    // 8 query heads share 2 key/value heads of 2 dims each (hidden_size 16 / 8 heads); the graph leaves them symbolic.
    const options = { ...TOY_DEFAULTS, heads: 2, headDim: 2, symbolicHeads: true };
    const toy = toyWeights(options);
    const gqa = path.join(parent, 'gqa');
    fs.mkdirSync(path.join(gqa, 'onnx'), { recursive: true });
    fs.writeFileSync(path.join(gqa, 'onnx', 'model.onnx'), buildToyDecodeGraph(options, toy));
    const configJson = { model_type: 'llama', vocab_size: options.vocab, max_position_embeddings: options.context, hidden_size: 16, num_attention_heads: 8, num_key_value_heads: 2, num_hidden_layers: 2 };
    fs.writeFileSync(path.join(gqa, 'config.json'), JSON.stringify(configJson));
    fs.writeFileSync(path.join(gqa, 'tokenizer.json'), JSON.stringify(wordLevelTokenizerJson(options.vocab)));

    const { model } = await openModelFolder(gqa, { threads: 1 });
    assert.ok(model instanceof OnnxCausalLM, 'a Llama folder runs its own decode graph');
    assert.deepEqual(model.signature.past.map((slot) => slot.emptyDims), new Array(4).fill([1, 2, 0, 2]));
    const first = await model.forward([1, 2, 3]);
    const next = await model.forward([4], first.cache);
    assert.ok(maxAbsDiff(next.logits, toyLogits(options, toy, [1, 2, 3, 4], 3, 4)) < 1e-5);
    assert.equal(next.cache.bytes, 2 * 2 * 2 * 4 * 2 * 4, 'layers × (key, value) × kv heads × tokens × head_dim × 4 bytes');
    await model.release();
  });
});
