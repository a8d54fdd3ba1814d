// Step 4 in a real extension host: "Train on This" on a fixture file, a run started from the
// panel, watched through the messages its host posts, paused and resumed, its worker killed and
// the run resumed from the last checkpoint, finished; the checkpoint continues a prompt exactly
// as transformers.js does, and "Use in Inspectors" makes it the active model.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionTestApi } from '../../extension/extension';
import { generate } from '../../extension/engine/generate/generate';
import { readModelFolder } from '../../extension/engine/modelFolder/readModelFolder';
import { openModelFolder } from '../../extension/engine/runtime/openModelFolder';
import { loadTokenizerFile } from '../../extension/engine/tokenizer/loadTokenizerFile';
import { bundledModelFolder } from '../../extension/model/bundledModel';
import { DEFAULT_SETTINGS } from '../../extension/train/runOptions';
import { ATTENTION_VIEW_TYPE, type AttentionNotification } from '../../webviews/attention/protocol';
import { TRAINING_VIEW_TYPE, type RunView, type SetupView, type TrainingNotification, type TrainingSettings } from '../../webviews/training/protocol';
import { panelMessages } from './panelMessages';
import { transformersGreedy } from './trainingCheckpoint';

const EXTENSION_ID = 'llm-pipeline-lab.llm-pipeline-lab';
/** A model small enough to train a few hundred steps in a test, on the bundled tokenizer. */
const SETTINGS: TrainingSettings = {
  ...DEFAULT_SETTINGS, model: 'custom', nLayer: 1, nHead: 2, nEmbd: 32, nPositions: 64, contextLength: 64, batchSize: 8,
  steps: 150, warmupSteps: 10, evalEvery: 10, sampleEvery: 25,
};

let api: ExtensionTestApi;
const attentionPosted = panelMessages<AttentionNotification>(() => api, ATTENTION_VIEW_TYPE, 'the attention panel');

function posted<T extends TrainingNotification['type']>(type: T, accept: (p: Extract<TrainingNotification, { type: T }>['payload']) => boolean, what: string, timeoutMs = 90_000) {
  return new Promise<Extract<TrainingNotification, { type: T }>['payload']>((resolve, reject) => {
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error(`the training panel never posted ${what} within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const listener = api.panels.onDidPostToWebview(({ viewType, message }) => {
      const m = message as TrainingNotification;
      if (viewType !== TRAINING_VIEW_TYPE || m.type !== type || !accept(m.payload as never)) return;
      clearTimeout(timer);
      listener.dispose();
      resolve(m.payload as never);
    });
  });
}

const runWith = (what: string, accept: (run: RunView) => boolean, timeoutMs?: number) =>
  posted('run', (run) => run !== null && accept(run), what, timeoutMs) as Promise<RunView>;

function send(message: unknown): Promise<number> {
  return api.panels.sendFromWebview(TRAINING_VIEW_TYPE, message);
}

/** Opens (or re-targets) the training panel on `dataFile`; each test calls it so that it stands alone under --grep. */
async function openOnFixture(dataFile: string): Promise<SetupView> {
  const setup = posted('setup', (s) => s.data?.label === 'training-fixture.txt', 'the fixture as its data');
  await vscode.commands.executeCommand('llmPipeline.trainOnThis', vscode.Uri.file(dataFile));
  return setup;
}

/** The finished run the earlier test leaves, or (when a test runs alone) a run of SETTINGS trained to its end. */
async function finishedRun(dataFile: string): Promise<RunView> {
  const view = api.training.runs.view;
  if (view?.status === 'finished') return view;
  await openOnFixture(dataFile);
  const finished = runWith('a finished run', (r) => r.status === 'finished', 420_000);
  await send({ type: 'start', payload: { settings: SETTINGS } });
  return finished;
}

suite('Training panel (Step 4)', () => {
  let extensionPath: string;
  let dataFile: string;

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<ExtensionTestApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
    extensionPath = extension.extensionPath;
    const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(workspace, 'the test window has a workspace folder');
    dataFile = path.join(workspace, 'training-fixture.txt');
    const sample = fs.readFileSync(path.join(extensionPath, 'walkthroughs', 'training-sample', 'stories.txt'), 'utf8');
    fs.writeFileSync(dataFile, sample.slice(0, 40_000));
  });

  suiteTeardown(async () => {
    const bundled = bundledModelFolder(extensionPath);
    if (bundled) await vscode.commands.executeCommand('llmPipeline.chooseModelFolder', vscode.Uri.file(bundled));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('refuses a context longer than the model, naming both figures', async () => {
    const view = await openOnFixture(dataFile);
    assert.equal(view.data?.kind, 'file');
    assert.deepEqual(view.presets.map((p) => p.name), ['tiny', 'small', 'medium']);
    const error = posted('error', () => true, 'an error');
    await send({ type: 'start', payload: { settings: { ...SETTINGS, contextLength: 128 } } });
    assert.match((await error).message, /context length 128 exceeds the model's n_positions 64/);
  });

  test('estimates, trains with live progress, pauses, resumes, survives a killed worker and finishes', async function () {
    this.timeout(600_000);
    await openOnFixture(dataFile);
    const estimate = posted('estimate', () => true, 'an estimate');
    await send({ type: 'estimate', payload: { settings: SETTINGS } });
    const e = await estimate;
    assert.equal(e.files, 1);
    assert.equal(e.bytes, Buffer.byteLength(fs.readFileSync(dataFile, 'utf8')));
    assert.equal(e.vocabSize, 4096);
    assert.equal(e.totalSteps, 150);
    assert.ok(e.secondsPerStep > 0, `a measured step: ${e.secondsPerStep}`);

    const training = runWith('five steps of progress', (r) => r.status === 'running' && r.points.length >= 5 && r.tokensPerSecond !== undefined);
    await send({ type: 'start', payload: { settings: SETTINGS } });
    const live = await training;
    assert.deepEqual(live.layers, ['embeddings', 'block 0', 'final norm']);
    assert.ok(live.points.every((p, i) => i === 0 || p.step > live.points[i - 1].step), 'steps increase');
    assert.ok(live.points.at(-1)?.layerGradNorms?.length === 3);
    assert.ok((live.mfu ?? 0) > 0 && (live.mfu ?? 1) < 1, `MFU ${live.mfu}`);
    assert.equal(live.schedule.at(-1)?.[0], 150);

    const paused = runWith('the paused run', (r) => r.status === 'paused');
    await send({ type: 'pause', payload: {} });
    const atPause = await paused;
    assert.ok(atPause.checkpoints.some((c) => c.which === 'last' && c.step === atPause.step), 'a checkpoint at the step it paused on');
    assert.equal(api.training.runs.isTraining, false);

    const resumed = runWith('steps after the pause', (r) => r.status === 'running' && r.step > atPause.step + 3);
    await send({ type: 'resume', payload: {} });
    const afterResume = await resumed;
    assert.ok(afterResume.points.some((p) => p.step === atPause.step), 'the loss history before the pause is kept');

    const pid = api.training.runs.workerPid;
    assert.ok(pid, 'the worker runs in a process of its own');
    const failed = runWith('the failed run', (r) => r.status === 'failed');
    process.kill(pid, 'SIGKILL');
    const crashed = await failed;
    assert.match(crashed.message ?? '', /killed by SIGKILL.*Resume continues from the last checkpoint/);
    const lastStep = crashed.checkpoints.find((c) => c.which === 'last')?.step ?? 0;

    const finished = runWith('the finished run', (r) => r.status === 'finished', 300_000);
    await send({ type: 'resume', payload: {} });
    const done = await finished;
    assert.equal(done.step, 150);
    assert.ok(lastStep > 0 && done.points.some((p) => p.step === lastStep), 'it went on from the last checkpoint');
    assert.ok(done.samples.length >= 2, 'samples from the fixed prompt');
    const first = done.points[0].loss;
    const lastLoss = done.points.at(-1)?.loss ?? Infinity;
    assert.ok(lastLoss < first - 2, `the loss fell from ${first} to ${lastLoss}`);
    assert.ok(fs.existsSync(path.join(done.folder, 'README.md')) && fs.existsSync(path.join(done.folder, 'loss.svg')), 'a model card in the run folder');
  });

  test('the best checkpoint continues a prompt as transformers.js does, and becomes the active model', async function () {
    this.timeout(720_000);
    await finishedRun(dataFile);
    const best = api.training.runs.checkpointFolder('best');
    assert.ok(best, 'a best checkpoint');
    const tokenizer = await loadTokenizerFile(best);
    const prompt = tokenizer.encodeIds('Once upon a time');
    const opened = await openModelFolder(best);
    const ours = await generate(opened.model, prompt, { sampler: { temperature: 0 }, maxNewTokens: 12, stopTokenIds: [] });
    await opened.model.release();
    assert.deepEqual(transformersGreedy(extensionPath, best, prompt, 12), ours.tokens);

    const setup = posted('setup', (s) => s.activeModel.label === best, 'the checkpoint as the active model');
    await send({ type: 'useCheckpoint', payload: { which: 'best' } });
    await setup;
    const comparison = posted('comparison', () => true, 'a comparison', 120_000);
    await send({ type: 'compareWithBase', payload: { which: 'best' } });
    const c = await comparison;
    assert.equal(c.columns.length, 2);
    assert.match(c.columns[0].label, /base: the bundled model/);
    assert.notEqual(c.columns[0].text, c.columns[1].text);
  });

  test('Export to PyTorch (a run action) writes the script, the batch order and the starting weights beside the run', async function () {
    this.timeout(540_000);
    const run = await finishedRun(dataFile);
    const dir: string | undefined = await vscode.commands.executeCommand('llmPipeline.exportTrainingRunToPyTorch', run.folder);
    assert.equal(dir, path.join(run.folder, 'pytorch'));
    const settings = JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8'));
    assert.equal(settings.total_steps, SETTINGS.steps);
    assert.equal(settings.batch_size, SETTINGS.batchSize);
    assert.equal(fs.statSync(path.join(dir, 'data', 'batches.bin')).size, SETTINGS.steps * SETTINGS.batchSize * 4);
    assert.match(fs.readFileSync(path.join(dir, 'train_gpt2.py'), 'utf8'), /DistributedDataParallel/);
    assert.match(fs.readFileSync(path.join(dir, 'README.md'), 'utf8'), /torchrun --standalone --nproc_per_node 2 train_gpt2\.py/);
    assert.equal(readModelFolder(path.join(dir, 'init')).kind, 'gpt2');
    // The panel's button asks for the same command; exporting again replaces the folder it wrote.
    fs.rmSync(path.join(dir, 'README.md'));
    await send({ type: 'exportPyTorch', payload: {} });
    for (let i = 0; i < 600 && !fs.existsSync(path.join(dir, 'README.md')); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(fs.existsSync(path.join(dir, 'README.md')), 'the run action exported the run again');
  });

  test('the Llama-style preset trains a few steps, and its checkpoint becomes the model Inspect Attention shows, every query head', async function () {
    this.timeout(300_000);
    await openOnFixture(dataFile);
    const previous = api.training.runs.view?.folder;
    // 4 query heads sharing 2 key/value heads (grouped-query attention), RMSNorm, RoPE and SwiGLU.
    const settings: TrainingSettings = { ...SETTINGS, architecture: 'llama', nHead: 4, steps: 6, evalEvery: 3, sampleEvery: 6 };
    const finished = runWith('a finished Llama run', (r) => r.folder !== previous && r.status === 'finished', 240_000);
    await send({ type: 'start', payload: { settings } });
    const run = await finished;
    assert.equal(run.architecture, 'llama');
    assert.deepEqual(run.layers, ['embeddings', 'block 0', 'final norm']);
    assert.equal(run.samples.length, 1, 'a sample from the Llama decode graph');
    const last = api.training.runs.checkpointFolder('last');
    assert.ok(last, 'a last checkpoint');
    assert.equal(readModelFolder(last).kind, 'llama');

    const setup = posted('setup', (s) => s.activeModel.label === last, 'the Llama checkpoint as the active model');
    await send({ type: 'useCheckpoint', payload: { which: 'last' } });
    await setup;
    const text = 'Once upon a time, a cat sat.';
    const document = await vscode.workspace.openTextDocument({ content: text, language: 'plaintext' });
    const editor = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    editor.selection = new vscode.Selection(0, 0, 0, text.length);
    const inspection = attentionPosted('inspection', (p) => p.text === text, 120_000);
    const facts = attentionPosted('model', (p) => p.dir === last, 120_000);
    await vscode.commands.executeCommand('llmPipeline.inspectAttention');
    const [view, model] = await Promise.all([inspection, facts]);
    assert.equal(model.kind, 'llama');
    assert.deepEqual([model.layers, model.heads, model.keyValueHeads], [1, 4, 2]);
    assert.equal(view.attentionUnavailable, undefined);
    assert.deepEqual(view.heads, [4]);
  });

  test('Stop ends a run after its current step with a checkpoint there, and the run can be resumed', async function () {
    this.timeout(300_000);
    await openOnFixture(dataFile);
    const previous = api.training.runs.view?.folder;
    const training = runWith('a second run training', (r) => r.folder !== previous && r.status === 'running' && r.step >= 3);
    await send({ type: 'start', payload: { settings: { ...SETTINGS, steps: 400, evalEvery: 0, sampleEvery: 0 } } });
    const running = await training;
    const stopped = runWith('the stopped run', (r) => r.status === 'stopped');
    await send({ type: 'stop', payload: {} });
    const atStop = await stopped;
    assert.equal(atStop.folder, running.folder, 'the same run');
    assert.ok(atStop.step < 400, `stopped at step ${atStop.step}`);
    assert.deepEqual(atStop.checkpoints.map((c) => [c.which, c.step]), [['last', atStop.step]]);
    assert.match(atStop.message ?? '', new RegExp(`Stopped after step ${atStop.step}`));
    const record = JSON.parse(fs.readFileSync(path.join(atStop.folder, 'run.json'), 'utf8')) as { state: string };
    assert.equal(record.state, 'stopped');

    const resumed = runWith('the resumed run past its stop', (r) => r.status === 'running' && r.step > atStop.step);
    await send({ type: 'resume', payload: {} });
    const again = await resumed;
    assert.equal(again.folder, atStop.folder, 'resumed in the same folder');
    assert.ok(again.points.some((p) => p.step === atStop.step), 'the loss history up to the stop is kept');
    const stoppedAgain = runWith('the run stopped again', (r) => r.status === 'stopped' || r.status === 'finished');
    await send({ type: 'stop', payload: {} });
    await stoppedAgain;
  });
});
