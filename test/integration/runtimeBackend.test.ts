// The WebAssembly backend in a real extension host: with llmPipeline.runtime.backend set to
// "webassembly", the inference process restarts on onnxruntime-web, and Inspect Attention and the
// bundled model's next-token logits (what the Decoding Playground draws) come through it, equal to
// the native backend's run of the same inputs; the log names the backend. A training process
// started from this host afterwards (the extension's trainWorker.js) trains on it too.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionTestApi } from '../../extension/extension';
import { InferenceHost } from '../../extension/engine/inference/inferenceHost';
import type { InspectionResult } from '../../extension/engine/runtime/inspection';
import type { BackendReport } from '../../extension/engine/runtime/ortBackend';
import { byteTokenizerJson } from '../../extension/engine/train/byteTokenizer';
import { startTrainingJob } from '../../extension/engine/train/host';
import { defaultTrainOptions } from '../../extension/engine/train/options';
import type { StartedEvent, TrainEvent } from '../../extension/engine/train/protocol';
import { loadTokenizerFile } from '../../extension/engine/tokenizer/loadTokenizerFile';
import { ATTENTION_VIEW_TYPE, type AttentionNotification } from '../../webviews/attention/protocol';
import { panelMessages } from './panelMessages';

const EXTENSION_ID = 'llm-pipeline-lab.llm-pipeline-lab';
const SETTING = 'runtime.backend';
const TEXT = 'Once upon a time, there was a little girl named Lily.';

let api: ExtensionTestApi;
const nextPosted = panelMessages<AttentionNotification>(() => api, ATTENTION_VIEW_TYPE, 'the attention panel');

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'lengths differ');
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** The log file's text once it holds `line` (the channel writes to disk a moment after a call). */
async function logHolding(folder: string, line: string): Promise<string> {
  for (;;) {
    const files = fs.existsSync(folder) ? fs.readdirSync(folder).filter((f) => f.endsWith('.log')) : [];
    const text = files.map((f) => fs.readFileSync(path.join(folder, f), 'utf8')).join('\n');
    if (text.includes(line)) return text;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

suite('ONNX Runtime WebAssembly backend (setting llmPipeline.runtime.backend)', () => {
  let folder: string;
  let tokens: number[];
  let document: vscode.TextDocument | undefined;
  /** The native backend's run, in an inference process started before the setting changed. */
  let native: { inspection: InspectionResult; logits: Float32Array };

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<ExtensionTestApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
    await api.attention.model.setFolder(undefined);
    folder = (await api.attention.model.load()).dir;
    tokens = (await loadTokenizerFile(folder)).encodeIds(TEXT);
    const reference = new InferenceHost(path.join(extension.extensionPath, 'dist', 'inferenceWorker.js'));
    try {
      const inspector = await reference.openInspector(folder);
      const lm = await reference.openLanguageModel(folder);
      native = { inspection: await inspector.run(tokens), logits: (await lm.forward(tokens)).logits };
    } finally {
      reference.dispose();
    }
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('llmPipeline').update(SETTING, undefined, vscode.ConfigurationTarget.Global);
    // The untitled selection document is closed unsaved (closing it dirty would ask to save it).
    if (document) {
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('set to webassembly, the inference process restarts on onnxruntime-web and the log names it', async () => {
    const report = new Promise<BackendReport>((resolve) => api.runtime.onDidReportBackend(resolve));
    await vscode.workspace.getConfiguration('llmPipeline').update(SETTING, 'webassembly', vscode.ConfigurationTarget.Global);
    // The next part opened starts the new process.
    const lm = await (await api.attention.model.load()).languageModel();
    const logits = (await lm.forward(tokens)).logits;
    assert.equal((await report).backend, 'webassembly');
    assert.equal((await report).fallbackReason, undefined);
    assert.ok(maxAbsDiff(logits, native.logits) < 1e-4, 'next-token logits as the native backend gives them');
    const text = await logHolding(api.runtime.logFolder, 'ONNX Runtime backend of the inference process: WebAssembly (onnxruntime-web');
    assert.match(text, /ONNX Runtime backend asked for: webassembly/);
  });

  test('Inspect Attention runs through it: every layer\'s attention the panel gets equals the native backend\'s', async () => {
    document = await vscode.workspace.openTextDocument({ content: `Title\n${TEXT}\n`, language: 'plaintext' });
    const editor = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    editor.selection = new vscode.Selection(new vscode.Position(1, 0), new vscode.Position(1, TEXT.length));
    const posted = nextPosted('inspection', (p) => p.text === TEXT);
    await vscode.commands.executeCommand('llmPipeline.inspectAttention');
    const view = await posted;
    const T = tokens.length;
    assert.deepEqual(view.tokens.map((t) => t.id), tokens);
    assert.equal(view.thumbnailSize, T, `${T} tokens fit a thumbnail exactly`);
    assert.ok(view.selected, 'the first head comes with the overview');
    assert.ok(maxAbsDiff(view.selected.data, native.inspection.attentions[0].data.subarray(0, T * T)) < 1e-4);
    view.thumbnails.forEach((thumbs, layer) => assert.ok(maxAbsDiff(thumbs, native.inspection.attentions[layer].data) < 1e-4, `layer ${layer}`));
  });

  test('a training process started now trains on it: the steps run and the loss falls', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llm-lab-wasm-training-'));
    try {
      fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(byteTokenizerJson()));
      fs.writeFileSync(path.join(dir, 'data.txt'), `${TEXT}\n`.repeat(40));
      const model = { n_layer: 1, n_head: 2, n_embd: 16, n_positions: 16, vocab_size: 257, layer_norm_epsilon: 1e-5 };
      const options = {
        ...defaultTrainOptions({ dataPath: path.join(dir, 'data.txt'), tokenizerPath: path.join(dir, 'tokenizer.json'), outDir: path.join(dir, 'out'), model }),
        steps: 30, batchSize: 4, learningRate: 1e-2, warmupSteps: 0, evalEvery: 0, sampleEvery: 0, checkpointEvery: 0,
      };
      const events: TrainEvent[] = [];
      const workerScript = path.join(vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath ?? '', 'dist', 'trainWorker.js');
      const done = await startTrainingJob(options, { workerScript, onEvent: (e) => events.push(e) }).finished;
      assert.equal(done.step, 30);
      const started = events.find((e): e is StartedEvent => e.type === 'started');
      assert.equal(started?.backend?.backend, 'webassembly');
      const losses = events.flatMap((e) => (e.type === 'progress' ? [e.loss] : []));
      assert.ok(losses.length >= 2 && (losses.at(-1) as number) < losses[0], `loss ${losses[0]} → ${losses.at(-1)}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
