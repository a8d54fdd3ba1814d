// Llama-family model folders as the engine and its CLI open them: `generate --greedy --json`
// continues a prompt as the PyTorch transcription of Hugging Face's modelling code does, build-graph
// and inspect work on them, each kind of bad folder (a missing shard, an integer dtype, an unknown
// model_type, a rope_scaling type the graphs lack, a tensor of the wrong shape, a shard outside the
// folder, a model too large to build) is refused naming the file, and a repository without an ONNX
// export downloads as safetensors from a fake hub.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildGraphCommand } from '../../extension/engine/cli/buildGraph';
import { generateCommand } from '../../extension/engine/cli/generate';
import { inspectCommand } from '../../extension/engine/cli/inspect';
import { downloadModel } from '../../extension/engine/hub/downloadModel';
import { CURATED_MODELS, curatedSizes } from '../../extension/engine/hub/curatedModels';
import { chooseModelFiles } from '../../extension/engine/hub/modelFiles';
import { parseLlamaConfig } from '../../extension/engine/llama/configJson';
import { builtGraphTooLarge } from '../../extension/engine/llama/graphSize';
import { readModelFolder } from '../../extension/engine/modelFolder/readModelFolder';
import { encodeSafetensors } from '../../extension/engine/modelFolder/safetensors';
import { openInspector } from '../../extension/engine/runtime/inspection';
import { openLanguageModel } from '../../extension/engine/runtime/openModelFolder';
import { encodeRaw, pytorchReference, writeLlamaFolder } from './llamaFixture';
import { FakeHub, repoFromFolder } from '../fixtures/hub/fakeHub';
import { printed } from './cliOutput';

const CONFIG = {
  model_type: 'llama', architectures: ['LlamaForCausalLM'], hidden_act: 'silu', hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2,
  num_attention_heads: 4, num_key_value_heads: 2, max_position_embeddings: 64, rms_norm_eps: 1e-5, rope_theta: 10000.0, vocab_size: 257,
  tie_word_embeddings: false,
};

describe('Llama-family model folders', function () {
  this.timeout(120_000);
  let root: string;
  let n = 0;
  const folder = (config: Record<string, unknown> = CONFIG, shards: 1 | 2 = 1): string => {
    const dir = path.join(root, `folder-${n++}`);
    writeLlamaFolder(dir, config, { seed: n, dtype: 'F32', shards });
    return dir;
  };
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'llama-folder-'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('generate --greedy --json continues the prompt as PyTorch does', async () => {
    const dir = folder(CONFIG, 2);
    const json = JSON.parse(await printed(() => generateCommand.run(['--model', dir, '--prompt', 'Hello there', '--greedy', '--max-new-tokens', '6', '--json'])));
    assert.deepEqual(Object.keys(json), ['prompt_ids', 'generated_ids', 'text']);
    assert.deepEqual(json.prompt_ids, [...Buffer.from('Hello there')]);
    const expected = await pytorchReference(dir, json.prompt_ids, 6);
    assert.deepEqual(json.generated_ids, expected.greedy);
    assert.equal(typeof json.text, 'string');
  });

  it('build-graph writes a folder whose onnx/model.onnx, run from the file, gives PyTorch\'s logits', async () => {
    const dir = folder(CONFIG, 2);
    const target = path.join(root, 'built');
    assert.deepEqual(JSON.parse(await printed(() => buildGraphCommand.run([dir, '--out', target, '--json']))), { dir: target, built: true });
    assert.ok(fs.existsSync(path.join(target, 'model-00002-of-00002.safetensors')));
    const built = readModelFolder(target);
    assert.deepEqual(built.onnxFiles, ['onnx/model.onnx']);
    const model = await openLanguageModel(built);
    try {
      const prompt = [...Buffer.from('Hi!')];
      const { logits } = await model.forwardAll(prompt);
      const expected = (await pytorchReference(dir, prompt, 0)).logits.flat();
      assert.ok(expected.every((v, i) => Math.abs(v - logits[i]) < 1e-4));
    } finally {
      await model.release();
    }
  });

  it('a vocabulary padded past the tokenizer\'s ids: the engine drops the padded rows, its logits are PyTorch\'s for the real ids, and no padded id is ever generated', async () => {
    // 320 rows for the byte tokenizer's 257 ids, as Qwen2.5 stores 151,936 for 151,665. The padded
    // rows of lm_head are scaled up so that PyTorch's argmax lands on one of them.
    const padded = { ...CONFIG, vocab_size: 320 };
    const dir = path.join(root, `folder-${n++}`);
    const weights = writeLlamaFolder(dir, padded, { seed: n, dtype: 'F32', shards: 1, tokenizerIds: 257 });
    const head = weights.get('lm_head.weight') as { dims: number[]; data: Float32Array };
    for (let i = 257 * 32; i < head.data.length; i++) head.data[i] *= 40;
    fs.writeFileSync(path.join(dir, 'model.safetensors'), encodeSafetensors(weights, { format: 'pt' }));

    const read = readModelFolder(dir);
    assert.equal(read.llama?.vocab_size, 257);
    assert.equal(read.llama?.stored_vocab_rows, 320);
    const prompt = [...Buffer.from('Hello there')];
    const reference = await pytorchReference(dir, prompt, 0);
    const last = reference.logits[prompt.length - 1];
    assert.ok(last.indexOf(Math.max(...last)) >= 257, 'the fixture should make a padded row PyTorch\'s top logit');
    const model = await openLanguageModel(read);
    try {
      assert.equal(model.vocabSize, 257);
      const { logits } = await model.forwardAll(prompt);
      const expected = reference.logits.flatMap((row) => row.slice(0, 257));
      assert.equal(logits.length, expected.length);
      assert.ok(expected.every((v, i) => Math.abs(v - logits[i]) < 1e-3));
    } finally {
      await model.release();
    }
    const json = JSON.parse(await printed(() => generateCommand.run(['--model', dir, '--prompt', 'Hello there', '--temperature', '2', '--seed', '3', '--max-new-tokens', '40', '--json'])));
    assert.equal(json.generated_ids.length, 40);
    assert.ok(json.generated_ids.every((id: number) => id < 257), `generated ${json.generated_ids}`);
    assert.equal(typeof json.text, 'string');
  });

  it('inspect describes the architecture and reads every head\'s attention and the logit lens', async () => {
    const dir = folder();
    const out = await printed(() => inspectCommand.run([dir, '--text', 'Hello']));
    assert.match(out, /llama built from safetensors: 2 layers, 4 query heads sharing 2 key\/value heads of 8 dims, 32 dims, vocabulary 257, context 64/);
    assert.match(out, /layer 1 +h0 .* h3 /);
    assert.match(out, /block 1 +".*" \(id \d+\)/);
  });

  it('names the shard the index lists but the folder lacks', () => {
    const dir = folder(CONFIG, 2);
    fs.rmSync(path.join(dir, 'model-00002-of-00002.safetensors'));
    assert.throws(() => readModelFolder(dir), /folder-\d+\/model-00002-of-00002\.safetensors: is missing: model\.safetensors\.index\.json lists it as a shard/);
  });

  it('refuses a shard named outside the folder', () => {
    const dir = folder(CONFIG, 2);
    const indexFile = path.join(dir, 'model.safetensors.index.json');
    const index = JSON.parse(fs.readFileSync(indexFile, 'utf8'));
    index.weight_map['model.norm.weight'] = '../elsewhere.safetensors';
    fs.writeFileSync(indexFile, JSON.stringify(index));
    assert.throws(() => readModelFolder(dir), /model\.safetensors\.index\.json: weight_map names "\.\.\/elsewhere\.safetensors" for tensor model\.norm\.weight/);
  });

  it('names the tensor stored in a dtype the engine cannot convert', () => {
    const dir = folder();
    const file = path.join(dir, 'model.safetensors');
    const norm = { name: 'model.norm.weight', dtype: 'I8', shape: [32], bytes: new Uint8Array(32) };
    fs.writeFileSync(file, encodeRaw([norm]));
    assert.throws(() => readModelFolder(dir), /model\.safetensors: tensor model\.norm\.weight is I8; the engine converts F32, F16 and BF16 weights/);
  });

  it('names a tensor whose shape does not match config.json', () => {
    const dir = folder();
    fs.writeFileSync(path.join(dir, 'model.safetensors'), encodeSafetensors(new Map([['model.norm.weight', { dims: [31], data: new Float32Array(31) }]])));
    assert.throws(() => readModelFolder(dir), /model\.safetensors: tensor model\.embed_tokens\.weight is missing/);
    const weights = path.join(dir, 'model.safetensors');
    fs.rmSync(weights);
    const other = folder();
    fs.copyFileSync(path.join(other, 'model.safetensors'), weights);
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...CONFIG, intermediate_size: 48 }));
    assert.throws(() => readModelFolder(dir), /tensor model\.layers\.0\.mlp\.gate_proj\.weight has shape \[64, 32\] but config\.json implies \[48, 32\]/);
  });

  it('refuses a model too large for a graph built in memory, with the figures, unless it has an ONNX export to run from', () => {
    const dir = folder();
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...CONFIG, hidden_size: 2048, intermediate_size: 8192, num_attention_heads: 32, num_key_value_heads: 8, num_hidden_layers: 16, vocab_size: 128256 }));
    assert.throws(() => readModelFolder(dir), /folder-\d+\/config\.json: describes 1,498,482,688 parameters, 5\.99 GB as float32: more than the 2\.11 GB a graph built in memory can hold/);
    fs.mkdirSync(path.join(dir, 'onnx'));
    fs.writeFileSync(path.join(dir, 'onnx', 'model.onnx'), '');
    assert.equal(readModelFolder(dir).kind, 'foreign');
  });

  it('refuses an unknown model_type and a rope_scaling type the graphs lack, naming config.json', () => {
    const dir = folder();
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...CONFIG, model_type: 'phi3' }));
    assert.throws(() => readModelFolder(dir), /has no decode graph, and its model_type "phi3" is not one the engine builds from safetensors \(gpt2, llama, mistral, qwen2\)/);
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...CONFIG, rope_scaling: { rope_type: 'yarn', factor: 4 } }));
    assert.throws(() => readModelFolder(dir), /config\.json rope_scaling: rope_type is "yarn"; the Llama-family graphs support rotary scaling of type "llama3" only/);
  });
});

describe('which files a Llama-family repository needs', () => {
  const file = (p: string) => ({ path: p, size: 1, blobId: '0'.repeat(40) });
  const listing = (paths: string[]) => ({ repo: 'org/model', commit: 'c'.repeat(40), files: paths.map(file) });
  const TEXT = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];

  it('takes the ONNX export when there is one, else model.safetensors, else the index and its shards; safetensors first when asked', () => {
    const paths = (choice: { files: readonly { path: string }[] }) => choice.files.map((f) => f.path);
    assert.deepEqual(paths(chooseModelFiles(listing([...TEXT, 'model.safetensors', 'onnx/model.onnx']), 'llama')), [...TEXT, 'onnx/model.onnx']);
    const single = chooseModelFiles(listing([...TEXT, 'model.safetensors', 'pytorch_model.bin']), 'qwen2');
    assert.deepEqual(paths(single), [...TEXT, 'model.safetensors']);
    assert.equal(single.dtype, 'fp32');
    const shards = ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'];
    assert.deepEqual(paths(chooseModelFiles(listing([...TEXT, 'model.safetensors.index.json', ...shards, 'consolidated.safetensors']), 'mistral')), [...TEXT, 'model.safetensors.index.json', ...shards]);
    const preferred = chooseModelFiles(listing([...TEXT, 'model.safetensors', 'onnx/model.onnx', 'onnx/model_int8.onnx']), 'llama', undefined, true);
    assert.deepEqual(paths(preferred), [...TEXT, 'model.safetensors'], 'safetensors beside an export when the caller prefers them');
    assert.deepEqual(paths(chooseModelFiles(listing([...TEXT, 'onnx/model.onnx']), 'llama', undefined, true)), [...TEXT, 'onnx/model.onnx'], 'the export when there are no safetensors');
    assert.throws(() => chooseModelFiles(listing([...TEXT, 'pytorch_model.bin']), 'llama'), /a "llama" model needs model\.safetensors \(or model\.safetensors\.index\.json with its shards\) or an ONNX decode graph/);
  });
});

describe('downloading a Llama-family repository without an ONNX export', function () {
  this.timeout(60_000);
  let root: string;
  let hub: FakeHub;
  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'llama-hub-'));
    const small = path.join(root, 'small');
    writeLlamaFolder(small, CONFIG, { seed: 9, dtype: 'BF16', shards: 2 });
    const large = path.join(root, 'large');
    writeLlamaFolder(large, CONFIG, { seed: 9, dtype: 'F32', shards: 1 });
    fs.writeFileSync(path.join(large, 'config.json'), JSON.stringify({ ...CONFIG, hidden_size: 2048, intermediate_size: 8192, num_hidden_layers: 16, vocab_size: 128256 }));
    // A repository like the curated ones: safetensors and an ONNX export of the same model.
    const exported = path.join(root, 'exported');
    writeLlamaFolder(exported, CONFIG, { seed: 9, dtype: 'BF16', shards: 1 });
    fs.mkdirSync(path.join(exported, 'onnx'));
    fs.writeFileSync(path.join(exported, 'onnx', 'model.onnx'), 'an export the download must not fetch');
    hub = await FakeHub.start([repoFromFolder('org/small-llama', small), repoFromFolder('org/large-llama', large), repoFromFolder('org/exported-llama', exported)]);
  });
  after(async () => {
    await hub.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('fetches the index and its shards, and the snapshot opens as a Llama-family folder', async () => {
    const cacheDir = path.join(root, 'cache');
    const downloaded = await downloadModel('org/small-llama', { endpoint: hub.url, cacheDir });
    assert.equal(downloaded.weights, 'model.safetensors.index.json');
    const folder = readModelFolder(downloaded.dir);
    assert.equal(folder.kind, 'llama');
    assert.equal(folder.name, 'org/small-llama');
    assert.equal(folder.llamaWeights?.length, 2);
  });

  it('fetches the safetensors of a curated model beside its ONNX export, and every inspector opens the snapshot (logit lens included)', async () => {
    const cacheDir = path.join(root, 'cache-exported');
    const downloaded = await downloadModel('org/exported-llama', { endpoint: hub.url, cacheDir, preferSafetensors: true });
    assert.equal(downloaded.weights, 'model.safetensors');
    assert.ok(downloaded.files.every((f) => !f.path.startsWith('onnx/')), `no ONNX file fetched: ${downloaded.files.map((f) => f.path)}`);
    const inspector = await openInspector(readModelFolder(downloaded.dir), { logitLens: true, threads: 1 });
    try {
      const result = await inspector.run([72, 101, 108, 108, 111]);
      assert.equal(result.attentions.length, 2);
      assert.equal(result.attentions[0].heads, 4, 'one map per query head');
      assert.equal(result.logitLens.length, 3, 'the logit lens on every residual stream');
    } finally {
      await inspector.release();
    }
  });

  it('the curated Llama-family models: each a graph built in memory can hold, its disk size that of its bf16 safetensors', () => {
    for (const model of CURATED_MODELS.filter((m) => m.config.model_type !== 'gpt2')) {
      assert.equal(builtGraphTooLarge(parseLlamaConfig(model.config, `${model.repo}/config.json`)), undefined, model.repo);
      const sizes = curatedSizes(model);
      assert.equal(sizes.diskBytes, 2 * sizes.parameters, model.repo);
      assert.ok(sizes.memoryBytes > 4 * sizes.parameters, `${model.repo}: float32 weights and a KV cache`);
    }
  });

  it('refuses, before fetching any weights, a model too large for a graph built in memory', async () => {
    const cacheDir = path.join(root, 'cache-large');
    await assert.rejects(downloadModel('org/large-llama', { endpoint: hub.url, cacheDir }), /org\/large-llama: config\.json: describes [\d,]+ parameters, [\d.]+ GB as float32/);
    const blobs = path.join(cacheDir, 'models--org--large-llama', 'blobs');
    assert.equal(fs.readdirSync(blobs).length, 1, 'only config.json was fetched');
  });
});
