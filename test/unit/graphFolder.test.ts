// The bundled model ships its weights once (model.safetensors); the extension builds the decode
// graph from them into a copy of the folder (engine/modelFolder/graphFolder.ts). The built graph
// must be the graph the repository keeps, give its logits, and match the TypeScript reference
// forward; the copy appears whole or not at all.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { referenceForward } from '../../extension/engine/gpt/referenceForward';
import { buildGraphFolder } from '../../extension/engine/modelFolder/graphFolder';
import { readGPT2Weights } from '../../extension/engine/modelFolder/gpt2Weights';
import { readModelFolder } from '../../extension/engine/modelFolder/readModelFolder';
import { OnnxCausalLM } from '../../extension/engine/runtime/onnxCausalLM';
import { loadTokenizerFile } from '../../extension/engine/tokenizer/loadTokenizerFile';
import { bundledModelFolder, builtModelFolder } from '../../extension/model/bundledModel';

const REPO = path.resolve(__dirname, '../..');
const SOURCE = bundledModelFolder(REPO) as string;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'lengths differ');
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('the bundled model built from its weights (graphFolder)', function () {
  this.timeout(120_000);
  let tmp: string;
  let copy: string;

  before(() => {
    assert.ok(SOURCE, 'models/ holds no folder with config.json and model.safetensors');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'llm-lab-graph-folder-'));
    copy = path.join(tmp, 'storage', 'tinystories-1m');
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('copies every file of the folder and builds onnx/model.onnx byte for byte as the repository keeps it', () => {
    assert.deepEqual(buildGraphFolder(SOURCE, copy), { dir: copy, built: true });
    for (const entry of fs.readdirSync(SOURCE, { withFileTypes: true }).filter((d) => d.isFile())) {
      assert.ok(fs.readFileSync(path.join(copy, entry.name)).equals(fs.readFileSync(path.join(SOURCE, entry.name))), `${entry.name} differs`);
    }
    assert.deepEqual(fs.readdirSync(path.join(copy, 'onnx')), ['model.onnx']);
    assert.ok(fs.readFileSync(path.join(copy, 'onnx', 'model.onnx')).equals(fs.readFileSync(path.join(SOURCE, 'onnx', 'model.onnx'))), 'the built graph differs from models/tinystories-1m/onnx/model.onnx');
    assert.deepEqual(fs.readdirSync(path.dirname(copy)), ['tinystories-1m'], 'a temporary folder was left beside the copy');
  });

  it('gives the shipped graph\'s logits and the reference forward\'s on the weights', async () => {
    const folder = readModelFolder(copy);
    const config = folder.gpt2?.gpt;
    assert.ok(config && folder.onnxFiles[0] === 'onnx/model.onnx');
    const tokenizer = await loadTokenizerFile(copy);
    const ids = tokenizer.encodeIds('Once upon a time, there was a little girl named Lily. She loved to play outside.');
    const built = await OnnxCausalLM.open(path.join(copy, 'onnx', 'model.onnx'), { config: folder.config, threads: 1 });
    const shipped = await OnnxCausalLM.open(path.join(SOURCE, 'onnx', 'model.onnx'), { config: folder.config, threads: 1 });
    try {
      const logits = (await built.forwardAll(ids)).logits;
      assert.equal(maxAbsDiff(logits, (await shipped.forwardAll(ids)).logits), 0);
      const reference = referenceForward(config, readGPT2Weights(path.join(copy, 'model.safetensors'), config), ids).logits;
      const diff = maxAbsDiff(logits, reference);
      assert.ok(diff < 1e-3, `built graph vs the reference forward: max |Δlogit| ${diff}`);
    } finally {
      await built.release();
      await shipped.release();
    }
  });

  it('leaves a complete copy as it is', () => {
    const graph = path.join(copy, 'onnx', 'model.onnx');
    const before = fs.statSync(graph).mtimeMs;
    assert.deepEqual(buildGraphFolder(SOURCE, copy), { dir: copy, built: false });
    assert.equal(fs.statSync(graph).mtimeMs, before);
  });

  it('refuses a folder without GPT-2 weights, naming it, and writes nothing', () => {
    const foreign = path.join(tmp, 'no-weights');
    fs.mkdirSync(foreign);
    for (const file of ['config.json', 'tokenizer.json']) fs.copyFileSync(path.join(SOURCE, file), path.join(foreign, file));
    const target = path.join(tmp, 'out', 'no-weights');
    assert.throws(() => buildGraphFolder(foreign, target), (error: Error) => error.message.startsWith(foreign) && /model\.safetensors/.test(error.message));
    assert.equal(fs.existsSync(path.join(tmp, 'out')), false);
  });

  it('keys the copy\'s path by the shipped files and the builder, so new weights get a new copy', () => {
    const source = path.join(tmp, 'source', 'tinystories-1m');
    fs.mkdirSync(source, { recursive: true });
    for (const file of ['config.json', 'model.safetensors']) fs.copyFileSync(path.join(SOURCE, file), path.join(source, file));
    const builder = path.join(tmp, 'graphFolderWorker.js');
    fs.writeFileSync(builder, '// v1\n');
    const first = builtModelFolder(source, path.join(tmp, 'storage'), builder);
    assert.equal(path.basename(first), 'tinystories-1m');
    assert.equal(builtModelFolder(source, path.join(tmp, 'storage'), builder), first, 'the same files give the same path');
    fs.appendFileSync(path.join(source, 'config.json'), '\n');
    const second = builtModelFolder(source, path.join(tmp, 'storage'), builder);
    assert.notEqual(second, first);
    fs.writeFileSync(builder, '// version 2\n');
    assert.notEqual(builtModelFolder(source, path.join(tmp, 'storage'), builder), second);
  });
});
