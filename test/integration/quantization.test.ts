// Step 6's quantization lab in a real extension host: "Compare Quantizations" on a small random
// GPT-2 as the active model writes fp16, int8 and int4 variants under the extension's storage in
// the transformers.js layout, measures them in its worker process, and posts the table to the panel.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GPTConfig } from '../../extension/engine/gpt/config';
import type { LabResult } from '../../extension/engine/quantize/labProtocol';
import type { ExtensionTestApi } from '../../extension/extension';
import { bundledModelFolder } from '../../extension/model/bundledModel';
import { QUANTIZATION_VIEW_TYPE, type LabView } from '../../webviews/quantization/protocol';
import { writePeakedModel } from '../unit/modelFolderFixtures';

const EXTENSION_ID = 'llm-pipeline-lab.llm-pipeline-lab';
const CONFIG: GPTConfig = { n_layer: 1, n_head: 2, n_embd: 32, n_positions: 64, vocab_size: 257, layer_norm_epsilon: 1e-5 };

suite('Quantization lab (Step 6)', () => {
  let api: ExtensionTestApi;
  let dir: string;
  let extensionPath: string;

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<ExtensionTestApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
    extensionPath = extension.extensionPath;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llm-lab-quantize-'));
    writePeakedModel(path.join(dir, 'tiny-quantized-gpt2'), CONFIG, 3);
    fs.writeFileSync(path.join(dir, 'text.txt'), 'The cat sat on the mat. The dog ran to the park and back again. '.repeat(12));
    await vscode.commands.executeCommand('llmPipeline.chooseModelFolder', vscode.Uri.file(path.join(dir, 'tiny-quantized-gpt2')));
  });

  suiteTeardown(async () => {
    const bundled = bundledModelFolder(extensionPath);
    if (bundled) await vscode.commands.executeCommand('llmPipeline.chooseModelFolder', vscode.Uri.file(bundled));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('writes the four variants and posts one table measured against fp32', async () => {
    const posted = new Promise<LabView>((resolve) => {
      const listener = api.panels.onDidPostToWebview(({ viewType, message }) => {
        if (viewType !== QUANTIZATION_VIEW_TYPE || message.type !== 'result') return;
        listener.dispose();
        resolve(message.payload as LabView);
      });
    });
    const result = await vscode.commands.executeCommand<LabResult | undefined>('llmPipeline.compareQuantizations', { file: path.join(dir, 'text.txt') });
    assert.ok(result, 'the command returns the measurements');
    assert.deepEqual(result.measurements.map((m) => m.file), ['onnx/model.onnx', 'onnx/model_fp16.onnx', 'onnx/model_int8.onnx', 'onnx/model_q4.onnx']);
    for (const m of result.measurements) assert.ok(fs.statSync(path.join(result.folder, m.file)).size === m.bytes, `${m.file} is on disk`);
    assert.ok(result.folder.includes('quantization'), `written under the extension's storage: ${result.folder}`);
    assert.ok(fs.existsSync(path.join(result.folder, 'tokenizer.json')));
    const [fp32, fp16, int8, q4] = result.measurements;
    assert.ok(fp16.bytes < fp32.bytes && int8.bytes < fp16.bytes && q4.bytes < int8.bytes, result.measurements.map((m) => m.bytes).join(' > '));
    assert.equal(fp32.top1Agreement, 1);
    assert.ok(result.scoredTokens > 700, `${result.scoredTokens} tokens scored`);
    assert.equal(result.matrices.filter((m) => m.scheme === 'int4').length, 4, 'c_attn, c_proj, c_fc, mlp c_proj of the one block');
    const view = await posted;
    assert.equal(view.scoredTokens, result.scoredTokens);
    assert.equal(view.pieces.join(''), fs.readFileSync(path.join(dir, 'text.txt'), 'utf8').slice(0, view.pieces.length));
  });
});
