// Step 2 in a real extension host: "Inspect Attention" on an editor selection, with a small GPT-2
// folder chosen through "Choose Model Folder…". The numbers the panel's host posts (seen through
// the test hooks activate() returns) are checked against the engine run directly on the same
// folder: its tokenizer and its inspection runner.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionTestApi } from '../../extension/extension';
import { MAX_THUMBNAIL_SIDE } from '../../extension/attention/inspectionViews';
import { readModelFolder } from '../../extension/engine/modelFolder/readModelFolder';
import { openInspector, type InspectionResult } from '../../extension/engine/runtime/inspection';
import { loadTokenizerFile } from '../../extension/engine/tokenizer/loadTokenizerFile';
import { ATTENTION_VIEW_TYPE, MEAN_HEAD, type AttentionNotification, type AttentionRequest } from '../../webviews/attention/protocol';
import type { Message } from '../../webviews/shared/protocol';
import { STORY, writeTinyModel } from '../unit/attentionModelFixture';
import { writeLlamaFolder } from '../unit/llamaFixture';
import { byteLevelTokenizerJson } from '../unit/modelFolderFixtures';
import { buildToyDecodeGraph, TOY_DEFAULTS, toyWeights } from '../unit/runtimeToyGraphs';
import { panelMessages } from './panelMessages';

const EXTENSION_ID = 'llm-pipeline-lab.llm-pipeline-lab';
const CONTEXT = 64;


let api: ExtensionTestApi;
let dir: string;
let modelDir: string;
let expected: { result: InspectionResult; text: string } | undefined;

const nextPosted = panelMessages<AttentionNotification>(() => api, ATTENTION_VIEW_TYPE, 'the attention panel');

function recordPosts(): { readonly messages: Message[]; dispose(): void } {
  const messages: Message[] = [];
  const listener = api.panels.onDidPostToWebview(({ viewType, message }) => viewType === ATTENTION_VIEW_TYPE && messages.push(message));
  return { messages, dispose: () => listener.dispose() };
}

function fromWebview(message: AttentionRequest | unknown): Promise<number> {
  return api.panels.sendFromWebview(ATTENTION_VIEW_TYPE, message);
}

async function editorWith(text: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument({ content: text, language: 'plaintext' });
  return vscode.window.showTextDocument(document, vscode.ViewColumn.One);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'lengths differ');
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** The engine's own run on `text`: the folder's tokenizer, its inspection runner with the logit lens. */
async function engineRun(folder: string, text: string): Promise<InspectionResult> {
  const tokenizer = await loadTokenizerFile(folder);
  const inspector = await openInspector(readModelFolder(folder), { logitLens: true, threads: 1 });
  try {
    return await inspector.run(tokenizer.encodeIds(text).slice(0, inspector.contextLength));
  } finally {
    await inspector.release();
  }
}

suite('Attention panel (Step 2)', () => {
  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<ExtensionTestApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
    assert.ok(api?.attention, 'activate() did not return the attention test hooks');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llm-lab-attention-'));
    modelDir = writeTinyModel(path.join(dir, 'tiny-gpt2'), { n_positions: CONTEXT, n_layer: 2, n_head: 4 }).dir;
  });

  suiteTeardown(async () => {
    await api.attention.model.setFolder(undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('with no folder chosen, the model is the first folder under models/ with config.json and model.safetensors, run from a copy whose onnx/model.onnx was built from those weights in global storage', async () => {
    const root = path.join(vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath ?? '', 'models');
    const names = fs.existsSync(root) ? fs.readdirSync(root).sort() : [];
    const first = names.map((n) => path.join(root, n)).find((d) => fs.existsSync(path.join(d, 'config.json')) && fs.existsSync(path.join(d, 'model.safetensors')));
    assert.ok(first, `no bundled model under ${root}`);
    const { model } = api.attention;
    assert.ok(model.isBundledFolder(first) && model.isBundled);
    const loaded = await model.load();
    // <globalStorage>/bundled-models/<key>/<name>: outside the extension's folder, which ships no graph.
    assert.equal(path.basename(loaded.dir), path.basename(first));
    assert.equal(path.basename(path.dirname(path.dirname(loaded.dir))), 'bundled-models');
    assert.ok(!loaded.dir.startsWith(root), `${loaded.dir} is inside the extension`);
    assert.equal(model.folder, loaded.dir);
    assert.equal(model.bundledFolder, loaded.dir);
    assert.ok(model.isBundledFolder(first) && model.isBundled);
    // The repository keeps the graph its tests compare with; the built one is the same, byte for byte.
    assert.ok(fs.readFileSync(path.join(loaded.dir, 'onnx', 'model.onnx')).equals(fs.readFileSync(path.join(first, 'onnx', 'model.onnx'))));
  });

  test('Choose Model Folder takes a folder, and refuses a broken one without changing the choice', async () => {
    const changed = new Promise((resolve) => api.attention.model.onDidChange(resolve));
    assert.equal(await vscode.commands.executeCommand('llmPipeline.chooseModelFolder', vscode.Uri.file(modelDir)), modelDir);
    await changed;
    assert.equal(api.attention.model.folder, modelDir);
    assert.equal(api.attention.model.isBundled, false);
    const broken = path.join(dir, 'broken');
    fs.mkdirSync(broken);
    fs.writeFileSync(path.join(broken, 'config.json'), '{ "model_type": ');
    assert.equal(await vscode.commands.executeCommand('llmPipeline.chooseModelFolder', vscode.Uri.file(broken)), undefined);
    assert.equal(api.attention.model.folder, modelDir);
    assert.deepEqual(api.attention.model.recentFolders(), [modelDir]);
  });

  test('Inspect Attention posts the inspection runner\'s attention for the selection; every row sums to 1', async () => {
    const text = STORY.split('\n')[0];
    const editor = await editorWith(`Title\n${text}\nThe end.`);
    editor.selection = new vscode.Selection(new vscode.Position(1, 0), new vscode.Position(1, text.length));
    const posted = nextPosted('inspection', (p) => p.text === text);
    const facts = nextPosted('model');
    const drawn = new Promise<{ runId: number; milliseconds: number }>((resolve) => api.attention.onDidDrawHeatmap(resolve));
    await vscode.commands.executeCommand('llmPipeline.inspectAttention');
    const view = await posted;

    const result = await engineRun(modelDir, text);
    expected = { result, text };
    const T = result.tokens.length;
    assert.deepEqual(view.tokens.map((t) => t.id), result.tokens);
    assert.equal(view.tokens.map((t) => text.slice(t.start, t.end)).join(''), text, 'token spans cover the selection');
    assert.equal(view.linked, true);
    assert.match(view.source, /line 2/);
    assert.deepEqual(view.notices, []);
    assert.deepEqual(view.heads, [4, 4]);
    assert.equal(view.thumbnailSize, T, `${T} tokens fit a thumbnail exactly`);
    view.thumbnails.forEach((thumbs, layer) => assert.ok(maxAbsDiff(thumbs, result.attentions[layer].data) < 1e-6, `layer ${layer} thumbnails`));
    assert.ok(view.selected, 'the first head comes with the overview');
    assert.ok(maxAbsDiff(view.selected.data, result.attentions[0].data.subarray(0, T * T)) < 1e-6);

    // Every head and each layer's mean, as the webview asks for them.
    for (let layer = 0; layer < 2; layer++) {
      for (const head of [0, 1, 2, 3, MEAN_HEAD]) {
        const answer = nextPosted('head', (p) => p.layer === layer && p.head === head);
        await fromWebview({ type: 'selectHead', payload: { runId: view.runId, layer, head } });
        const { data } = await answer;
        const all = result.attentions[layer].data;
        const reference =
          head === MEAN_HEAD
            ? Float32Array.from({ length: T * T }, (_, i) => (all[i] + all[T * T + i] + all[2 * T * T + i] + all[3 * T * T + i]) / 4)
            : all.subarray(head * T * T, (head + 1) * T * T);
        assert.ok(maxAbsDiff(data, reference) < 1e-6, `layer ${layer}, head ${head}`);
        for (let q = 0; q < T; q++) {
          const sum = data.subarray(q * T, (q + 1) * T).reduce((s, v) => s + v, 0);
          assert.ok(Math.abs(sum - 1) < 1e-5, `layer ${layer}, head ${head}, row ${q} sums to ${sum}`);
          assert.ok(data.subarray(q * T + q + 1, (q + 1) * T).every((v) => v === 0), `row ${q} attends only backwards`);
        }
      }
    }
    const model = await facts;
    assert.equal(model.dir, modelDir);
    assert.equal(model.layers, 2);
    assert.equal(model.contextLength, CONTEXT);
    // The real webview drew the heatmap and said so.
    const timing = await drawn;
    assert.equal(timing.runId, view.runId);
    console.log(`attention: first heatmap drawn ${timing.milliseconds.toFixed(0)} ms after the command (model loaded on the way)`);
  });

  /**
   * The inspection of STORY's first line on the tiny model and the runner's result for it: the one
   * the test above made, or made here, so that each test after it also runs alone (--grep).
   */
  async function inspected(): Promise<{ result: InspectionResult; text: string }> {
    if (expected) return expected;
    if (api.attention.model.folder !== modelDir) await api.attention.model.setFolder(modelDir);
    const text = STORY.split('\n')[0];
    const editor = await editorWith(`Title\n${text}\nThe end.`);
    editor.selection = new vscode.Selection(new vscode.Position(1, 0), new vscode.Position(1, text.length));
    const posted = nextPosted('inspection', (p) => p.text === text);
    await vscode.commands.executeCommand('llmPipeline.inspectAttention');
    await posted;
    expected = { result: await engineRun(modelDir, text), text };
    return expected;
  }

  test('the logit lens and residual-stream norms equal the runner\'s; embeddings come for every token', async () => {
    const { result } = await inspected();
    const T = result.tokens.length;
    const lens = nextPosted('lens');
    const norms = nextPosted('norms');
    const embeddings = nextPosted('embeddings');
    await fromWebview({ type: 'ready', payload: {} });
    const lensView = await lens;
    assert.equal(lensView.streams, 3);
    for (let l = 0; l < 3; l++) {
      for (let t = 0; t < T; t++) {
        const row = result.logitLens[l].subarray(t * result.logits.length / T, (t + 1) * result.logits.length / T);
        const best = row.indexOf(Math.max(...row));
        assert.equal(lensView.ids[(l * T + t) * lensView.k], best, `stream ${l}, position ${t}`);
      }
    }
    const normsView = await norms;
    const width = result.hiddenStates[0].length / T;
    for (let l = 0; l < 3; l++) {
      for (let t = 0; t < T; t++) {
        const norm = Math.hypot(...result.hiddenStates[l].subarray(t * width, (t + 1) * width));
        assert.ok(Math.abs(normsView.norms[l * T + t] - norm) < 1e-3 * Math.max(1, norm), `stream ${l}, token ${t}`);
      }
    }
    const points = await embeddings;
    assert.equal(points.x.length, T);
    assert.ok(points.explained[0] > 0 && points.explained[0] >= points.explained[1]);
  });

  test('choosing a token highlights what it attends to in the file, strongest where the weight is largest', async () => {
    const { result, text } = await inspected();
    const T = result.tokens.length;
    const inspection = nextPosted('inspection', (p) => p.text === text);
    await fromWebview({ type: 'ready', payload: {} });
    const view = await inspection;
    const query = T - 1;
    await fromWebview({ type: 'focusToken', payload: { runId: view.runId, index: query, layer: 1, head: 2 } });
    const row = result.attentions[1].data.subarray(2 * T * T + query * T, 2 * T * T + (query + 1) * T);
    const max = Math.max(...row);
    const highlighted = api.attention.highlighted();
    const offset = 'Title\n'.length;
    const strongest = row.indexOf(max);
    const top = highlighted.find((h) => h.index === strongest);
    assert.ok(top, 'the most attended token is highlighted');
    assert.equal(top.level, 5);
    assert.deepEqual([top.start, top.end], [offset + view.tokens[strongest].start, offset + view.tokens[strongest].end]);
    // Exactly the tokens with at least 5% of the largest weight are drawn, each over its own text,
    // at level ⌈5·w/max⌉: one missing, one too many or one misplaced shows.
    const expected = Array.from(row).flatMap((w, i) => {
      const { start, end } = view.tokens[i];
      return w >= 0.05 * max && end > start ? [{ index: i, level: Math.max(1, Math.ceil((w / max) * 5)), start: offset + start, end: offset + end }] : [];
    });
    assert.deepEqual(highlighted, expected);
    await fromWebview({ type: 'focusToken', payload: { runId: view.runId, index: null, layer: 1, head: 2 } });
    assert.deepEqual(api.attention.highlighted(), []);
  });

  test('a selection longer than the context is cut to it, with a notice', async () => {
    const long = `${STORY}\n${STORY}`;
    const editor = await editorWith(long);
    editor.selection = new vscode.Selection(new vscode.Position(0, 0), editor.document.positionAt(long.length));
    const posted = nextPosted('inspection', (p) => p.text === long);
    const last = nextPosted('embeddings', (p) => p.x.length === CONTEXT);
    await vscode.commands.executeCommand('llmPipeline.inspectAttention');
    const view = await posted;
    await last;
    assert.equal(view.tokens.length, CONTEXT);
    const total = (await loadTokenizerFile(modelDir)).encodeIds(long).length;
    assert.ok(total > CONTEXT);
    assert.equal(view.notices.length, 1);
    assert.match(view.notices[0], new RegExp(`has ${total} tokens.*at most ${CONTEXT}.*first ${CONTEXT}`));
    assert.equal(view.thumbnailSize, MAX_THUMBNAIL_SIDE, 'thumbnails are shrunk past their largest side');
    // Each thumbnail cell is the mean of its block of the runner's matrix (here 2 × 2 tokens).
    const result = await engineRun(modelDir, long);
    const side = MAX_THUMBNAIL_SIDE;
    const block = CONTEXT / side;
    for (let layer = 0; layer < 2; layer++) {
      const full = result.attentions[layer].data;
      const expectedThumbs = Float32Array.from({ length: 4 * side * side }, (_, at) => {
        const [h, i, j] = [Math.floor(at / (side * side)), Math.floor(at / side) % side, at % side];
        let sum = 0;
        for (let r = 0; r < block; r++) for (let c = 0; c < block; c++) sum += full[h * CONTEXT * CONTEXT + (i * block + r) * CONTEXT + j * block + c];
        return sum / (block * block);
      });
      assert.ok(maxAbsDiff(view.thumbnails[layer], expectedThumbs) < 1e-6, `layer ${layer} thumbnails are block means`);
    }
  });

  test('messages that fail the guard are dropped without effect', async () => {
    const posts = recordPosts();
    try {
      for (const bad of [
        { type: 'selectHead', payload: { runId: 1, layer: -1, head: 0 } },
        { type: 'export', payload: { format: 'png', name: '../outside', data: 'iVBORw0KGgo=' } },
        { type: 'export', payload: { format: 'svg', name: 'x', data: '<script>' } },
        { type: 'focusToken', payload: { runId: 1, index: 1.5, layer: 0, head: 0 } },
        { type: 'drawn', payload: {} },
        'ready',
        null,
      ]) {
        await fromWebview(bad);
      }
      // A valid request after them: its answer is the first thing posted.
      await fromWebview({ type: 'ready', payload: {} });
      assert.deepEqual(posts.messages.slice(0, 2).map((m) => m.type), ['model', 'inspection']);
    } finally {
      posts.dispose();
    }
  });

  test('a foreign model without readable attention gets a plain message; its other views say why', async () => {
    const foreign = path.join(dir, 'toy-no-softmax');
    fs.mkdirSync(path.join(foreign, 'onnx'), { recursive: true });
    const toy = { ...TOY_DEFAULTS, vocab: 257 };
    fs.writeFileSync(path.join(foreign, 'onnx', 'model.onnx'), buildToyDecodeGraph(toy, toyWeights(toy)));
    fs.writeFileSync(path.join(foreign, 'config.json'), JSON.stringify({ model_type: 'toy', vocab_size: 257, max_position_embeddings: 32 }));
    fs.writeFileSync(path.join(foreign, 'tokenizer.json'), JSON.stringify(byteLevelTokenizerJson()));
    assert.equal(await vscode.commands.executeCommand('llmPipeline.chooseModelFolder', vscode.Uri.file(foreign)), foreign);
    const editor = await editorWith('Hi!');
    editor.selection = new vscode.Selection(0, 0, 0, 3);
    const posted = nextPosted('inspection', (p) => p.text === 'Hi!');
    const lens = nextPosted('unavailable', (p) => p.view === 'lens');
    await vscode.commands.executeCommand('llmPipeline.inspectAttention');
    const view = await posted;
    assert.deepEqual(view.tokens.map((t) => t.id), [...Buffer.from('Hi!')], 'one token per byte');
    assert.deepEqual(view.heads, []);
    assert.match(view.attentionUnavailable ?? '', /no Softmax node/);
    assert.match((await lens).reason, /toy-no-softmax is not one of our GPT-2 folders/);
    await api.attention.model.setFolder(modelDir);
  });

  test('a foreign decode graph\'s attention is read from its Softmax outputs, equal to the runner\'s', async () => {
    // Our GPT-2's decode graph without model.safetensors beside it is, to the engine, a foreign model.
    const foreign = path.join(dir, 'decode-graph-only');
    fs.mkdirSync(path.join(foreign, 'onnx'), { recursive: true });
    fs.copyFileSync(path.join(modelDir, 'onnx', 'model.onnx'), path.join(foreign, 'onnx', 'model.onnx'));
    fs.copyFileSync(path.join(modelDir, 'tokenizer.json'), path.join(foreign, 'tokenizer.json'));
    const config = JSON.parse(fs.readFileSync(path.join(modelDir, 'config.json'), 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(path.join(foreign, 'config.json'), JSON.stringify(config));
    assert.equal(await vscode.commands.executeCommand('llmPipeline.chooseModelFolder', vscode.Uri.file(foreign)), foreign);
    const text = STORY.split('\n')[1].slice(0, 40);
    const editor = await editorWith(text);
    editor.selection = new vscode.Selection(0, 0, 0, text.length);
    const posted = nextPosted('inspection', (p) => p.text === text);
    const facts = nextPosted('model', (p) => p.dir === foreign);
    await vscode.commands.executeCommand('llmPipeline.inspectAttention');
    const view = await posted;
    assert.equal((await facts).kind, 'foreign');
    const result = await engineRun(modelDir, text);
    assert.equal(view.attentionUnavailable, undefined);
    assert.deepEqual(view.heads, [4, 4]);
    view.thumbnails.forEach((thumbs, layer) => assert.ok(maxAbsDiff(thumbs, result.attentions[layer].data) < 1e-5, `layer ${layer}`));
    await api.attention.model.setFolder(modelDir);
  });

  test('a Llama-family folder with safetensors only is built in the engine: every head\'s attention (grouped-query), the logit lens and the model facts', async () => {
    const llama = path.join(dir, 'tiny-llama');
    writeLlamaFolder(llama, {
      model_type: 'llama', hidden_act: 'silu', hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2, num_attention_heads: 4,
      num_key_value_heads: 2, max_position_embeddings: CONTEXT, rms_norm_eps: 1e-5, rope_theta: 10000.0, vocab_size: 257, tie_word_embeddings: false,
    }, { seed: 7, dtype: 'BF16', shards: 2 });
    assert.equal(await vscode.commands.executeCommand('llmPipeline.chooseModelFolder', vscode.Uri.file(llama)), llama);
    const text = STORY.split('\n')[1].slice(0, 30);
    const editor = await editorWith(text);
    editor.selection = new vscode.Selection(0, 0, 0, text.length);
    const posted = nextPosted('inspection', (p) => p.text === text);
    const facts = nextPosted('model', (p) => p.dir === llama);
    await vscode.commands.executeCommand('llmPipeline.inspectAttention');
    const view = await posted;
    const model = await facts;
    assert.equal(model.kind, 'llama');
    assert.deepEqual([model.layers, model.heads, model.keyValueHeads, model.headDim, model.contextLength], [2, 4, 2, 8, CONTEXT]);
    const result = await engineRun(llama, text);
    const T = result.tokens.length;
    assert.equal(view.attentionUnavailable, undefined);
    assert.deepEqual(view.tokens.map((t) => t.id), result.tokens);
    assert.deepEqual(view.heads, [4, 4]);
    view.thumbnails.forEach((thumbs, layer) => assert.ok(maxAbsDiff(thumbs, result.attentions[layer].data) < 1e-6, `layer ${layer}`));
    // Query heads of one group share keys, not attention: their maps differ.
    assert.ok(maxAbsDiff(result.attentions[0].data.subarray(0, T * T), result.attentions[0].data.subarray(T * T, 2 * T * T)) > 1e-3);

    const lens = nextPosted('lens');
    await fromWebview({ type: 'ready', payload: {} });
    const lensView = await lens;
    assert.equal(lensView.streams, 3);
    const V = result.logits.length / T;
    for (let l = 0; l < 3; l++) {
      for (let t = 0; t < T; t++) {
        const row = result.logitLens[l].subarray(t * V, (t + 1) * V);
        assert.equal(lensView.ids[(l * T + t) * lensView.k], row.indexOf(Math.max(...row)), `stream ${l}, position ${t}`);
      }
    }
    await api.attention.model.setFolder(modelDir);
  });

  test('a newer selection cancels the run in progress: only the second selection\'s tokens are posted', async () => {
    // A model folder of its own, so the first run is still loading it when the second is asked for.
    const fresh = writeTinyModel(path.join(dir, 'tiny-cancel'), { n_positions: CONTEXT, n_layer: 2, n_head: 4 }).dir;
    assert.equal(await vscode.commands.executeCommand('llmPipeline.chooseModelFolder', vscode.Uri.file(fresh)), fresh);
    const first = `${STORY}\n${STORY}`;
    const second = STORY.split('\n')[2];
    const editor = await editorWith(`${first}\n${second}`);
    const posts = recordPosts();
    try {
      const posted = nextPosted('inspection', (p) => p.text === second, 120_000);
      editor.selection = new vscode.Selection(new vscode.Position(0, 0), editor.document.positionAt(first.length));
      await vscode.commands.executeCommand('llmPipeline.inspectAttention');
      const line = editor.document.lineCount - 1;
      editor.selection = new vscode.Selection(line, 0, line, second.length);
      await vscode.commands.executeCommand('llmPipeline.inspectAttention');
      const view = await posted;
      // One run at a time, in order: had the first not been cancelled, its inspection would be posted before this one.
      const inspected = posts.messages.filter((m) => m.type === 'inspection').map((m) => (m.payload as { text: string }).text);
      assert.deepEqual(inspected, [second], 'the first selection was never inspected');
      assert.deepEqual(view.tokens.map((t) => t.id), (await loadTokenizerFile(fresh)).encodeIds(second));
      assert.equal(view.tokens.map((t) => second.slice(t.start, t.end)).join(''), second);
    } finally {
      posts.dispose();
      await api.attention.model.setFolder(modelDir);
    }
  });
});
