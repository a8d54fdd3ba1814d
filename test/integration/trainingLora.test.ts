// LoRA from the training panel in a real extension host: "Fine-Tune with LoRA" opens the panel with
// LoRA on the active (bundled) model chosen, the estimate gives the trainable share and the
// adapter's size, a short run finishes, and its checkpoint's adapter/ loads through the LoRA reader
// onto the bundled model, giving the same weights the checkpoint holds merged.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionTestApi } from '../../extension/extension';
import { loadAdaptedModel } from '../../extension/engine/lora/adaptedModel';
import { readGPT2Weights } from '../../extension/engine/modelFolder/gpt2Weights';
import { readModelFolder } from '../../extension/engine/modelFolder/readModelFolder';
import { ADAPTER_FOLDER } from '../../extension/engine/train/checkpoint';
import { bundledModelFolder } from '../../extension/model/bundledModel';
import { TRAINING_VIEW_TYPE, type RunView, type TrainingNotification, type TrainingSettings } from '../../webviews/training/protocol';
import { panelMessages } from './panelMessages';

const EXTENSION_ID = 'llm-pipeline-lab.llm-pipeline-lab';

let api: ExtensionTestApi;
const posted = panelMessages<TrainingNotification>(() => api, TRAINING_VIEW_TYPE, 'the training panel', { failOnError: true });

suite('Training panel: LoRA (Step 6)', () => {
  let bundled: string;

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<ExtensionTestApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
    bundled = bundledModelFolder(extension.extensionPath) as string;
    assert.ok(bundled, 'the extension ships a model');
    await vscode.commands.executeCommand('llmPipeline.chooseModelFolder', vscode.Uri.file(bundled));
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Fine-Tune with LoRA trains adapters on the active model; the checkpoint’s adapter loads and merges to its weights', async function () {
    this.timeout(600_000);
    const chosen = posted('settings', (s) => s.model === 'continue' && s.lora, 120_000);
    await vscode.commands.executeCommand('llmPipeline.fineTuneWithLora', { sample: true });
    const form = await chosen;
    const settings: TrainingSettings = {
      ...form, loraRank: 4, loraAlpha: 8, loraTargets: ['attn.c_attn', 'mlp.c_fc'],
      steps: 6, batchSize: 2, contextLength: 32, warmupSteps: 1, evalEvery: 3, sampleEvery: 0,
    };

    const estimated = posted('estimate', () => true, 300_000);
    await api.panels.sendFromWebview(TRAINING_VIEW_TYPE, { type: 'estimate', payload: { settings } });
    const e = await estimated;
    // The bundled model: 4 layers of width 128; c_attn is [128, 384] and mlp.c_fc [128, 512].
    assert.equal(e.trainableParameters, 4 * (4 * (128 + 384) + 4 * (128 + 512)));
    assert.ok(e.parameters > 1_000_000 && e.trainableParameters < e.parameters / 20, `${e.trainableParameters} of ${e.parameters}`);
    assert.ok((e.adapterBytes ?? 0) > e.trainableParameters * 4, `the adapter's bytes hold its float32 numbers: ${e.adapterBytes}`);

    const finished = posted('run', (r) => r?.status === 'finished', 480_000);
    await api.panels.sendFromWebview(TRAINING_VIEW_TYPE, { type: 'start', payload: { settings } });
    const run = (await finished) as RunView;
    assert.equal(run.step, 6);
    const last = run.checkpoints.find((c) => c.which === 'last');
    assert.ok(last, 'a last checkpoint');

    const adapted = loadAdaptedModel(bundled, path.join(last.folder, ADAPTER_FOLDER));
    assert.equal(adapted.adapter.rank, 4);
    assert.equal(adapted.adapter.alpha, 8);
    assert.deepEqual([...adapted.adapter.targetModules], ['attn.c_attn', 'mlp.c_fc']);
    assert.equal(adapted.trainable, e.trainableParameters);
    assert.equal(adapted.adapterBytes, e.adapterBytes, 'the estimate gave the adapter’s size on disk');

    const checkpoint = readModelFolder(last.folder);
    const config = checkpoint.gpt2?.gpt;
    assert.ok(config && checkpoint.safetensorsFile, 'the checkpoint is a GPT-2 folder');
    const saved = readGPT2Weights(checkpoint.safetensorsFile, config);
    const base = readGPT2Weights(adapted.base.safetensorsFile as string, config);
    let changed = 0;
    for (const [name, tensor] of saved) {
      const merged = adapted.weights.get(name)?.data as Float32Array;
      const worst = tensor.data.reduce((m, x, i) => Math.max(m, Math.abs(x - merged[i])), 0);
      assert.ok(worst < 1e-5, `${name}: the checkpoint and base + adapter differ by ${worst}`);
      if (tensor.data.some((x, i) => x !== base.get(name)?.data[i])) changed++;
    }
    assert.equal(changed, 8, 'exactly the 8 adapted matrices (2 per layer) moved');
  });
});
