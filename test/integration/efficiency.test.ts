// Step 8's efficiency panels in a real extension host. Speculative Decoding: a 1-layer draft
// trained from the panel in the training worker, then a run started from the panel whose output
// equals the target's greedy output (computed here with the engine, independently of the panel).
// Plot Forgetting: the shipped result on opening, a run started from the panel whose curves arrive
// point by point and are saved, and a cancelled run that keeps the curves measured so far.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionTestApi } from '../../extension/extension';
import { generate } from '../../extension/engine/generate/generate';
import type { GPTConfig } from '../../extension/engine/gpt/config';
import { openModelFolder } from '../../extension/engine/runtime/openModelFolder';
import { loadTokenizerFile } from '../../extension/engine/tokenizer/loadTokenizerFile';
import { bundledModelFolder } from '../../extension/model/bundledModel';
import { FORGETTING_VIEW_TYPE, type ForgettingNotification } from '../../webviews/forgetting/protocol';
import { SPECULATIVE_VIEW_TYPE, type SpeculativeNotification } from '../../webviews/speculative/protocol';
import { speculativeSpans } from '../../webviews/speculative/spans';
import { writePeakedModel } from '../unit/modelFolderFixtures';
import { panelMessages } from './panelMessages';

const EXTENSION_ID = 'llm-pipeline-lab.llm-pipeline-lab';
const TARGET: GPTConfig = { n_layer: 2, n_head: 2, n_embd: 32, n_positions: 64, vocab_size: 257, layer_norm_epsilon: 1e-5 };
const PROMPT = 'Once upon a time';

let api: ExtensionTestApi;
let dir: string;
let extensionPath: string;
const speculative = panelMessages<SpeculativeNotification>(() => api, SPECULATIVE_VIEW_TYPE, 'the Speculative Decoding panel');
const forgetting = panelMessages<ForgettingNotification>(() => api, FORGETTING_VIEW_TYPE, 'the Plot Forgetting panel', { failOnError: true });

// One parent suite: hooks at the file's top level would be root hooks, run around every suite of
// the whole integration run (the tiny target would stay the active model for all of them).
suite('Efficiency panels (Step 8)', () => {
  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<ExtensionTestApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
    extensionPath = extension.extensionPath;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llm-lab-efficiency-'));
    writePeakedModel(path.join(dir, 'tiny-target'), TARGET, 5);
    await vscode.commands.executeCommand('llmPipeline.chooseModelFolder', vscode.Uri.file(path.join(dir, 'tiny-target')));
  });

  suiteTeardown(async () => {
    const bundled = bundledModelFolder(extensionPath);
    if (bundled) await vscode.commands.executeCommand('llmPipeline.chooseModelFolder', vscode.Uri.file(bundled));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  suite('Speculative decoding (Step 8)', () => {
    test('trains a 1-layer draft from the panel, then decodes from the panel: the output is the target greedy output', async function () {
      this.timeout(300_000);
      const opened = speculative('setup', (s) => s.target === 'tiny-target');
      await vscode.commands.executeCommand('llmPipeline.speculativeDecoding');
      await opened;
      const trained = speculative('setup', (s) => s.draftOrigin === 'trained', 240_000);
      assert.equal(await api.panels.sendFromWebview(SPECULATIVE_VIEW_TYPE, { type: 'trainDraft', payload: {} }), 1);
      const setup = await trained;
      assert.match(setup.draft, /last$/, 'the run\'s last checkpoint is the draft');

      const result = speculative('result', () => true, 120_000);
      await api.panels.sendFromWebview(SPECULATIVE_VIEW_TYPE, { type: 'run', payload: { prompt: PROMPT, maxNewTokens: 30, draftTokens: 4 } });
      const view = await result;
      assert.equal(view.matchesGreedy, true);
      assert.equal(view.tokens, 30);
      assert.ok(view.targetCalls < 30 || view.acceptedTokens === 0, 'a round that accepts proposals saves target calls');
      assert.equal(view.targetCalls, view.rounds.length);

      // The target's greedy continuation, computed here with the engine.
      const folder = path.join(dir, 'tiny-target');
      const target = await openModelFolder(folder, { threads: 1 });
      try {
        const tokenizer = await loadTokenizerFile(folder);
        const greedy = await generate(target.model, tokenizer.encodeIds(PROMPT, { addSpecialTokens: true }), { sampler: { temperature: 0 }, maxNewTokens: 30, topN: 0 });
        const shown = speculativeSpans(view.rounds, view.tokens).filter((s) => s.kind !== 'rejected').map((s) => s.text);
        assert.deepEqual(shown, greedy.tokens.map((id) => tokenizer.decode([id])));
      } finally {
        await target.model.release();
      }
    });

    test('a draft with another vocabulary gets a message naming its folder', async function () {
      this.timeout(60_000);
      writePeakedModel(path.join(dir, 'draft-257'), { ...TARGET, n_layer: 1 }, 6);
      const other = path.join(dir, 'draft-other-tokenizer');
      fs.cpSync(path.join(dir, 'draft-257'), other, { recursive: true });
      fs.writeFileSync(path.join(other, 'tokenizer.json'), JSON.stringify({ model: { type: 'WordLevel', vocab: { a: 0 } } }));
      const error = speculative('error', () => true);
      await vscode.commands.executeCommand('llmPipeline.speculativeDecoding', { draft: other, prompt: PROMPT });
      const { message } = (await error) as { message: string };
      assert.ok(message.includes(other) && message.includes('tokenizer'), message);
    });
  });

  suite('Plot Forgetting (Step 8)', () => {
    let newData: string;
    let oldValidation: string;
    suiteSetup(() => {
      newData = path.join(dir, 'new-domain.txt');
      oldValidation = path.join(dir, 'old-held-out.txt');
      fs.writeFileSync(newData, 'ROMEO: What light through yonder window breaks? It is the east, and Juliet is the sun.\n'.repeat(150));
      fs.writeFileSync(oldValidation, 'Once upon a time there was a little cat. She liked to play in the sun with her ball.\n'.repeat(60));
    });

    test('opening it with no run of the user\'s shows the shipped result, and says so', async () => {
      const shipped = forgetting('curves', (v) => v.source === 'shipped');
      await vscode.commands.executeCommand('llmPipeline.plotForgetting');
      const view = await shipped;
      const file = JSON.parse(fs.readFileSync(path.join(extensionPath, 'walkthroughs', 'continual-learning', 'forgetting.json'), 'utf8'));
      assert.deepEqual(view.curves, file.curves);
    });

    test('a run started from the panel posts its points as they are measured, then saves both curves', async function () {
      this.timeout(300_000);
      const setup = forgetting('setup', (s) => s.newData === 'new-domain.txt' && s.oldValidation === 'old-held-out.txt');
      await vscode.commands.executeCommand('llmPipeline.plotForgetting', { newData, oldValidation });
      await setup;
      const live = forgetting('curves', (v) => v.source === 'live', 120_000);
      const saved = forgetting('curves', (v) => v.source === 'saved', 240_000);
      await api.panels.sendFromWebview(FORGETTING_VIEW_TYPE, { type: 'run', payload: { replayRatio: 0.5, steps: 10 } });
      const first = await live;
      assert.deepEqual(first.curves[0].points.map((p) => p.step), [0], 'the first point arrives alone');
      const view = await saved;
      assert.equal(view.cancelled, false);
      assert.deepEqual(view.curves.map((c) => c.replayRatio), [0, 0.5]);
      for (const c of view.curves) assert.deepEqual(c.points.map((p) => p.step), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      assert.equal(view.curves[0].points[0].oldLoss, view.curves[1].points[0].oldLoss, 'both runs start from the active model');
      const last = view.curves[0].points.at(-1);
      assert.ok(last && last.newLoss < view.curves[0].points[0].newLoss, 'the new domain is learned');
    });

    test('cancel keeps the curve measured so far and marks the run cancelled', async function () {
      this.timeout(240_000);
      await vscode.commands.executeCommand('llmPipeline.plotForgetting', { newData, oldValidation });
      const live = forgetting('curves', (v) => v.source === 'live' && v.curves[0].points.length >= 2, 120_000);
      const saved = forgetting('curves', (v) => v.source === 'saved' && v.cancelled, 120_000);
      await api.panels.sendFromWebview(FORGETTING_VIEW_TYPE, { type: 'run', payload: { replayRatio: 0.25, steps: 2000 } });
      await live;
      await api.panels.sendFromWebview(FORGETTING_VIEW_TYPE, { type: 'cancel', payload: {} });
      const view = await saved;
      assert.ok(view.curves.length >= 1 && view.curves[0].points.length >= 2);
      assert.ok((view.curves[0].points.at(-1)?.step ?? 2000) < 2000, 'stopped before the end');
    });
  });
});
