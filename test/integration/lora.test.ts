// Step 6's LoRA commands in a real extension host: a PEFT adapter applied to a small GPT-2 becomes
// the active model (its merged weights on disk), the A/B continues one prompt with base and adapted
// weights, and an adapter made for another model's shapes is refused, leaving the model as it was.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GPTConfig } from '../../extension/engine/gpt/config';
import { randomWeights } from '../../extension/engine/gpt/randomWeights';
import type { LoraResult } from '../../extension/engine/lora/loraProtocol';
import { peftAdapterFromTrainer, writePeftAdapter } from '../../extension/engine/lora/peftAdapter';
import { readGPT2Weights } from '../../extension/engine/modelFolder/gpt2Weights';
import { writeModelFolder } from '../../extension/engine/modelFolder/writeModelFolder';
import { initAdapters, loraTargets } from '../../extension/engine/train/lora';
import { bundledModelFolder } from '../../extension/model/bundledModel';
import { byteLevelTokenizerJson } from '../unit/modelFolderFixtures';

const EXTENSION_ID = 'llm-pipeline-lab.llm-pipeline-lab';
const CONFIG: GPTConfig = { n_layer: 1, n_head: 2, n_embd: 16, n_positions: 64, vocab_size: 257, layer_norm_epsilon: 1e-5 };
const LORA = { rank: 2, alpha: 4, targets: ['attn.c_attn', 'mlp.c_fc'] };

function writeAdapter(dir: string, config: GPTConfig, baseName: string): void {
  const adapters = initAdapters(config, LORA, 3);
  for (const [name, data] of adapters) if (name.endsWith('.B')) data.fill(0.05);
  writePeftAdapter(dir, peftAdapterFromTrainer(LORA, adapters, new Map(loraTargets(config, LORA).map((t) => [t.name, t.dims])), baseName));
}

suite('LoRA adapters (Step 6)', () => {
  let dir: string;
  let extensionPath: string;
  const base = () => path.join(dir, 'tiny-lora-base');

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    await extension.activate();
    extensionPath = extension.extensionPath;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llm-lab-lora-'));
    writeModelFolder(base(), { config: CONFIG, weights: randomWeights(CONFIG, 5), tokenizerJson: byteLevelTokenizerJson() });
    writeAdapter(path.join(dir, 'adapter'), CONFIG, base());
    writeAdapter(path.join(dir, 'wide-adapter'), { ...CONFIG, n_embd: 32 }, base());
  });

  setup(() => vscode.commands.executeCommand('llmPipeline.chooseModelFolder', vscode.Uri.file(base())));

  suiteTeardown(async () => {
    const bundled = bundledModelFolder(extensionPath);
    if (bundled) await vscode.commands.executeCommand('llmPipeline.chooseModelFolder', vscode.Uri.file(bundled));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('Apply LoRA Adapter makes the merged model the one the inspectors run', async () => {
    const merged = await vscode.commands.executeCommand<string | undefined>('llmPipeline.applyLoraAdapter', path.join(dir, 'adapter'));
    assert.ok(merged && fs.existsSync(path.join(merged, 'onnx', 'model.onnx')), `merged folder ${merged}`);
    const before = readGPT2Weights(path.join(base(), 'model.safetensors'), CONFIG);
    const after = readGPT2Weights(path.join(merged, 'model.safetensors'), CONFIG);
    const name = 'transformer.h.0.attn.c_attn.weight';
    assert.ok(after.get(name)?.data.some((v, i) => v !== before.get(name)?.data[i]), 'c_attn carries the update');
    assert.deepEqual(after.get('transformer.h.0.attn.c_proj.weight')?.data, before.get('transformer.h.0.attn.c_proj.weight')?.data, 'an untargeted matrix is unchanged');
  });

  test('Compare with LoRA Adapter continues one prompt with base and adapted weights, side by side under the settings they share', async () => {
    const result = await vscode.commands.executeCommand<LoraResult | undefined>('llmPipeline.compareLoraAdapter', { adapter: path.join(dir, 'adapter'), prompt: 'The cat' });
    assert.ok(result?.comparison, 'an A/B came back');
    const { prompt, seed, temperature, maxTokens } = result.comparison;
    assert.equal(prompt, 'The cat');
    const page = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'llm-pipeline-lora-ab' && d.getText().includes('LoRA adapter'))?.getText() ?? '';
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.isUntitled), 'no unsaved tab is left beside the preview');
    assert.ok(page.includes(`seed ${seed}, temperature ${temperature} and at most ${maxTokens} new tokens`), `the page states the shared settings:\n${page}`);
    assert.ok(page.includes('| <strong>The cat</strong>'), 'each column starts with the prompt');
    assert.equal(result.trainable, 2 * (16 + 48) + 2 * (16 + 64), "r·(in + out) for c_attn and c_fc of the one block");
    assert.ok(result.adapterBytes > 0);
    assert.notEqual(result.comparison.base, result.comparison.adapted, 'the adapter changes the continuation');
  });

  test('an adapter for other shapes is refused and the model stays', async () => {
    const before = await vscode.commands.executeCommand<string | undefined>('llmPipeline.applyLoraAdapter', path.join(dir, 'wide-adapter'));
    assert.equal(before, undefined, 'nothing was applied');
  });
});
