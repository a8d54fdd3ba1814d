// SFT and DPO from the training panel in a real extension host: "Train on This" on a .jsonl file
// chooses the objective its records need, the panel reads the data (the SFT loss mask; a bad line
// refused by number), a run of each finishes through the training worker, and its checkpoint loads
// as a model: the engine's decoding path continues a chat prompt from it, and for the DPO run with
// LoRA, transformers.js continues it the same way.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionTestApi } from '../../extension/extension';
import { generate } from '../../extension/engine/generate/generate';
import { openModelFolder } from '../../extension/engine/runtime/openModelFolder';
import { loadTokenizerFile } from '../../extension/engine/tokenizer/loadTokenizerFile';
import { bundledModelFolder } from '../../extension/model/bundledModel';
import { DEFAULT_SETTINGS, OBJECTIVE_DEFAULTS } from '../../extension/train/runOptions';
import { TRAINING_VIEW_TYPE, type RunView, type TrainingNotification, type TrainingSettings } from '../../webviews/training/protocol';
import { panelMessages } from './panelMessages';
import { transformersGreedy } from './trainingCheckpoint';

const EXTENSION_ID = 'llm-pipeline-lab.llm-pipeline-lab';
const PROMPT = 'User: Write a story about Mia.\nAssistant:';
/** Short runs on the bundled model: a few steps of small batches, measured on the held-out share. */
const SHORT = { batchSize: 2, contextLength: 96, warmupSteps: 1, sampleEvery: 0, validationFraction: 0.25 } as const;

let api: ExtensionTestApi;
const posted = panelMessages<TrainingNotification>(() => api, TRAINING_VIEW_TYPE, 'the training panel');

suite('Training panel: SFT and DPO (Step 4)', () => {
  let extensionPath: string;
  let workspace: string;
  let bundled: string;

  /** The first `count` lines of a shipped set, written into the workspace as `name` (plus `extra` lines). */
  const fixture = (shipped: string, name: string, count: number, extra: readonly string[] = []) => {
    const lines = fs.readFileSync(path.join(extensionPath, 'walkthroughs', 'instruct-sample', shipped), 'utf8').split('\n').slice(0, count);
    const file = path.join(workspace, name);
    fs.writeFileSync(file, `${[...lines, ...extra].join('\n')}\n`);
    return file;
  };

  /** "Train on This" on `file`; resolves when the panel shows it as the data of `objective`. */
  async function trainOnThis(file: string, objective: 'sft' | 'dpo') {
    const setup = posted('setup', (s) => s.instructData[objective]?.label === path.basename(file), 120_000);
    await vscode.commands.executeCommand('llmPipeline.trainOnThis', vscode.Uri.file(file));
    return setup;
  }

  /** Starts a run of `settings` from the panel and waits for it to finish. */
  async function finishedRun(settings: TrainingSettings): Promise<RunView> {
    const previous = api.training.runs.view?.folder;
    const finished = posted('run', (r) => r !== null && r.folder !== previous && (r.status === 'finished' || r.status === 'failed'), 480_000);
    await api.panels.sendFromWebview(TRAINING_VIEW_TYPE, { type: 'start', payload: { settings } });
    const run = (await finished) as RunView;
    assert.equal(run.status, 'finished', run.message);
    return run;
  }

  /** The checkpoint opened as a model: greedy tokens after the chat prompt, through the engine's decoding path. */
  async function continueChat(folder: string): Promise<{ prompt: number[]; tokens: readonly number[] }> {
    const tokenizer = await loadTokenizerFile(folder);
    const prompt = tokenizer.encodeIds(PROMPT);
    const opened = await openModelFolder(folder);
    try {
      const out = await generate(opened.model, prompt, { sampler: { temperature: 0 }, maxNewTokens: 10, stopTokenIds: [] });
      return { prompt, tokens: out.tokens };
    } finally {
      await opened.model.release();
    }
  }

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<ExtensionTestApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
    extensionPath = extension.extensionPath;
    bundled = bundledModelFolder(extensionPath) as string;
    assert.ok(bundled, 'the extension ships a model');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder, 'the test window has a workspace folder');
    workspace = folder;
    await vscode.commands.executeCommand('llmPipeline.chooseModelFolder', vscode.Uri.file(bundled));
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a JSONL file with a malformed line is refused in the panel, naming the line', async () => {
    const file = fixture('sft-train.jsonl', 'sft-broken.jsonl', 2, ['{"messages": [{"role": "user"']);
    await trainOnThis(file, 'sft');
    const error = posted('error', () => true);
    const settings: TrainingSettings = { ...DEFAULT_SETTINGS, ...OBJECTIVE_DEFAULTS.sft, objective: 'sft' };
    await api.panels.sendFromWebview(TRAINING_VIEW_TYPE, { type: 'previewData', payload: { settings } });
    assert.match((await error).message, /sft-broken\.jsonl: 1 bad line\(s\), the file is refused: line 3: not JSON/);
  });

  test('SFT: the loss mask covers the answers only; a full fine-tuning run finishes and its checkpoint decodes', async function () {
    this.timeout(600_000);
    const file = fixture('sft-train.jsonl', 'sft-small.jsonl', 16);
    await trainOnThis(file, 'sft');
    const settings: TrainingSettings = { ...DEFAULT_SETTINGS, ...OBJECTIVE_DEFAULTS.sft, objective: 'sft', ...SHORT, steps: 6, evalEvery: 3 };

    const previewed = posted('dataPreview', () => true, 120_000);
    await api.panels.sendFromWebview(TRAINING_VIEW_TYPE, { type: 'previewData', payload: { settings } });
    const preview = await previewed;
    assert.ok(preview.kind === 'sft');
    assert.equal(preview.conversations, 16);
    const answer = preview.tokens.filter((k) => k.inLoss).map((k) => k.text).join('');
    const [user, first] = (JSON.parse(fs.readFileSync(file, 'utf8').split('\n')[0]).messages as Array<{ content: string }>).map((m) => m.content);
    assert.equal(answer, ` ${first}<|endoftext|>`.slice(0, answer.length), 'the tokens in the loss spell the answer');
    assert.equal(preview.tokens.filter((k) => !k.inLoss).map((k) => k.text).join(''), `<|endoftext|>User: ${user}\nAssistant:`);

    const run = await finishedRun(settings);
    assert.equal(run.objective, 'sft');
    assert.equal(run.step, 6);
    assert.ok(run.points.some((p) => p.validationLoss !== undefined), 'held-out loss on the answers');
    const last = run.checkpoints.find((c) => c.which === 'last');
    assert.ok(last, 'a last checkpoint');
    const { tokens } = await continueChat(last.folder);
    assert.equal(tokens.length, 10);
  });

  test('DPO with LoRA: reward accuracy, rewards and KL reach the panel; the checkpoint decodes as transformers.js decodes it', async function () {
    this.timeout(600_000);
    const pairs = fs.readFileSync(path.join(extensionPath, 'walkthroughs', 'instruct-sample', 'dpo-train.jsonl'), 'utf8').split('\n');
    const same = JSON.parse(pairs[0]) as { prompt: string; chosen: string };
    const file = fixture('dpo-train.jsonl', 'dpo-small.jsonl', 12, [JSON.stringify({ prompt: same.prompt, chosen: same.chosen, rejected: same.chosen })]);
    await trainOnThis(file, 'dpo');
    const settings: TrainingSettings = { ...DEFAULT_SETTINGS, ...OBJECTIVE_DEFAULTS.dpo, objective: 'dpo', ...SHORT, steps: 4, evalEvery: 2, lora: true, loraRank: 4, loraAlpha: 8 };

    const run = await finishedRun(settings);
    assert.equal(run.objective, 'dpo');
    assert.deepEqual(run.notes, [`${file}: line 13 skipped: chosen equals rejected, so the pair states no preference`]);
    const measured = run.points.filter((p) => p.preference?.heldOut);
    assert.deepEqual(measured.map((p) => p.step), [2, 4]);
    for (const p of measured) {
      const h = p.preference?.heldOut;
      assert.ok(h && h.pairs === 3 && h.accuracy >= 0 && h.accuracy <= 1 && h.kl >= 0, JSON.stringify(h));
      assert.ok(Math.abs(h.margin - (h.chosenReward - h.rejectedReward)) < 1e-5, 'the margin is chosen − rejected');
    }
    const last = run.checkpoints.find((c) => c.which === 'last');
    assert.ok(last, 'a last checkpoint');
    assert.ok(fs.existsSync(path.join(last.folder, 'adapter', 'adapter_config.json')), 'the LoRA adapter beside the merged weights');
    const { prompt, tokens } = await continueChat(last.folder);
    assert.deepEqual(transformersGreedy(extensionPath, last.folder, prompt, 10), tokens);
  });
});
