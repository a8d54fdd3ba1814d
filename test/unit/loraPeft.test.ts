// LoRA adapters in Hugging Face PEFT's layout: names, shapes and config keys as PEFT writes them,
// a round trip through the files and back into the trainer's orientation, the merge rule checked
// against an independent Python computation of PEFT's W + transpose(B·A)·α/r (NumPy, and PyTorch
// where it is installed), and adapters that do not fit a model refused with the mismatch named.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomWeights } from '../../extension/engine/gpt/randomWeights';
import { adapterMismatches, mergePeftAdapter } from '../../extension/engine/lora/applyAdapter';
import { exportMergedModel, loadAdaptedModel } from '../../extension/engine/lora/adaptedModel';
import { peftAdapterFromTrainer, readPeftAdapter, trainerAdaptersFromPeft, writePeftAdapter } from '../../extension/engine/lora/peftAdapter';
import { readSafetensorsHeader } from '../../extension/engine/modelFolder/safetensors';
import { writeModelFolder } from '../../extension/engine/modelFolder/writeModelFolder';
import { byteTokenizerJson } from '../../extension/engine/train/byteTokenizer';
import { initAdapters, loraTargets, mergeAdapters } from '../../extension/engine/train/lora';
import { Mulberry32 } from '../../extension/engine/generate/random';
import { makeTempDir, removeTempDir } from './modelFolderFixtures';

const config = { n_layer: 2, n_head: 2, n_embd: 16, n_positions: 16, vocab_size: 257, layer_norm_epsilon: 1e-5 };
const lora = { rank: 4, alpha: 8, targets: ['attn.c_attn', 'attn.c_proj', 'mlp.c_fc', 'mlp.c_proj'] };

/** Trainer adapters with B filled in too (B starts at zero, which would hide a wrong merge). */
function trainedAdapters(seed: number): Map<string, Float32Array> {
  const adapters = initAdapters(config, lora, seed);
  const random = new Mulberry32(seed + 1);
  for (const [name, data] of adapters) if (name.endsWith('.B')) data.forEach((_, i) => (data[i] = random.next() - 0.5));
  return adapters;
}

describe('LoRA adapters in PEFT\'s layout', () => {
  let dir: string;
  const base = randomWeights(config, 5);
  const adapters = trainedAdapters(9);
  const weightDims = new Map(loraTargets(config, lora).map((t) => [t.name, t.dims]));

  before(() => {
    dir = makeTempDir('lora-peft');
    writeModelFolder(path.join(dir, 'base'), { config, weights: base, tokenizerJson: byteTokenizerJson() });
    writePeftAdapter(path.join(dir, 'adapter'), peftAdapterFromTrainer(lora, adapters, weightDims, path.join(dir, 'base')));
  });
  after(() => removeTempDir(dir));

  it('writes PEFT\'s config keys and tensor names, with lora_A [r, in] and lora_B [out, r]', () => {
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'adapter', 'adapter_config.json'), 'utf8'));
    assert.equal(json.peft_type, 'LORA');
    assert.equal(json.task_type, 'CAUSAL_LM');
    assert.equal(json.r, 4);
    assert.equal(json.lora_alpha, 8);
    assert.equal(json.fan_in_fan_out, true, 'GPT-2\'s Conv1D stores W as [in, out]');
    assert.deepEqual(json.target_modules, lora.targets);
    const entries = new Map(readSafetensorsHeader(path.join(dir, 'adapter', 'adapter_model.safetensors')).entries.map((e) => [e.name, e.shape]));
    assert.equal(entries.size, 2 * 4 * config.n_layer);
    assert.deepEqual(entries.get('base_model.model.transformer.h.0.attn.c_attn.lora_A.weight'), [4, 16]);
    assert.deepEqual(entries.get('base_model.model.transformer.h.0.attn.c_attn.lora_B.weight'), [48, 4]);
    assert.deepEqual(entries.get('base_model.model.transformer.h.1.mlp.c_proj.lora_A.weight'), [4, 64]);
    assert.deepEqual(entries.get('base_model.model.transformer.h.1.mlp.c_proj.lora_B.weight'), [16, 4]);
  });

  it('reads back the same adapters, in the trainer\'s orientation', () => {
    const back = trainerAdaptersFromPeft(readPeftAdapter(path.join(dir, 'adapter')));
    assert.deepEqual([...back.keys()].sort(), [...adapters.keys()].sort());
    for (const [name, data] of adapters) assert.deepEqual(back.get(name), data, name);
  });

  it('merges as the trainer\'s W + (α/r)·A·B does', () => {
    const merged = mergePeftAdapter(readPeftAdapter(path.join(dir, 'adapter')), base, 'base');
    const trainer = mergeAdapters(config, lora, base, adapters);
    for (const [name, t] of trainer) {
      const ours = merged.get(name)?.data as Float32Array;
      for (let i = 0; i < ours.length; i++) assert.ok(Math.abs(ours[i] - t.data[i]) < 1e-5, `${name}[${i}]`);
    }
  });

  it('merges as PEFT\'s rule computed in Python from the files (NumPy, and PyTorch when installed)', () => {
    exportMergedModel(path.join(dir, 'base'), path.join(dir, 'adapter'), path.join(dir, 'merged'));
    const script = path.join(__dirname, 'python', 'peft_merge.py');
    const result = spawnSync('python3', [script, path.join(dir, 'adapter'), path.join(dir, 'base', 'model.safetensors'), path.join(dir, 'merged', 'model.safetensors')], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { modules: number; numpy: number; torch?: number };
    assert.equal(report.modules, 4 * config.n_layer);
    assert.ok(report.numpy < 1e-5, `NumPy: largest difference ${report.numpy}`);
    if (report.torch !== undefined) assert.ok(report.torch < 1e-5, `PyTorch: largest difference ${report.torch}`);
    // A non-zero update, or the check above proves nothing.
    const before = base.get('transformer.h.0.attn.c_attn.weight')?.data as Float32Array;
    const after = loadAdaptedModel(path.join(dir, 'base'), path.join(dir, 'adapter')).weights.get('transformer.h.0.attn.c_attn.weight')?.data as Float32Array;
    assert.ok(after.some((v, i) => Math.abs(v - before[i]) > 1e-3));
  });

  it('refuses an adapter for another base model or other shapes, naming the mismatch', () => {
    const adapter = readPeftAdapter(path.join(dir, 'adapter'));
    assert.deepEqual(adapterMismatches(adapter, base, 'base'), []);
    assert.match(adapterMismatches(adapter, base, 'other-model')[0], /trained on ".*base", the model is "other-model"/);
    const wider = randomWeights({ ...config, n_embd: 32 }, 1);
    const problems = adapterMismatches(adapter, wider, 'base');
    assert.equal(problems.length, 4 * config.n_layer);
    assert.match(problems[0], /transformer\.h\.0\.attn\.c_attn: the adapter is for a \[16 in, 48 out\] matrix, the model's is \[32 × 96\]/);
    const shallow = randomWeights({ ...config, n_layer: 1 }, 1);
    assert.ok(adapterMismatches(adapter, shallow, 'base').some((p) => /transformer\.h\.1\.attn\.c_attn: the model has no such weight/.test(p)));
    assert.throws(() => mergePeftAdapter(adapter, wider, 'base'), /does not fit this model: transformer\.h\.0\.attn\.c_attn/);
  });

  it('refuses a folder that is not a LoRA adapter, naming the file', () => {
    const bad = path.join(dir, 'bad');
    fs.mkdirSync(bad);
    assert.throws(() => readPeftAdapter(bad), /adapter_config\.json: missing/);
    fs.copyFileSync(path.join(dir, 'adapter', 'adapter_model.safetensors'), path.join(bad, 'adapter_model.safetensors'));
    fs.writeFileSync(path.join(bad, 'adapter_config.json'), JSON.stringify({ peft_type: 'PREFIX_TUNING', r: 4, lora_alpha: 8, target_modules: [] }));
    assert.throws(() => readPeftAdapter(bad), /adapter_config\.json: peft_type is "PREFIX_TUNING", not "LORA"/);
    fs.writeFileSync(path.join(bad, 'adapter_config.json'), JSON.stringify({ peft_type: 'LORA', r: 8, lora_alpha: 8, target_modules: ['c_attn'] }));
    assert.throws(() => readPeftAdapter(bad), /r = 8 needs \[8, in\] and \[out, 8\]/);
  });
});
