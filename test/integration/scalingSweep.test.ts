// Step 8's scaling sweep in a real extension host: the panel opens on the sweep shipped with the
// walkthrough (read from the extension's folder), refuses a budget too small for the smallest
// model with the figures, keeps the finished run of a sweep stopped halfway, runs a tiny-budget sweep on the walkthrough sample in the training
// worker (the current run's loss reaches the panel as it trains) into a results.json with a fit,
// and "Train it and check" places the predicted size's real loss beside the prediction.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionTestApi } from '../../extension/extension';
import { readResults } from '../../extension/engine/scalingSweep/sweepResults';
import { SCALING_SWEEP_VIEW_TYPE, type ScalingSweepNotification } from '../../webviews/scalingSweep/protocol';
import { panelMessages } from './panelMessages';

const EXTENSION_ID = 'llm-pipeline-lab.llm-pipeline-lab';
/** Widths 8, 12 and 16 at 4 tokens per parameter: 1.47e9 FLOPs, 48 steps in all. */
const TINY = { budgetFlops: 1.5e9, tokensPerParameter: 4 };
/** A sweep trains several models one after another on a loaded machine. */
const SWEEP_MS = 540_000;

let api: ExtensionTestApi;
const nextPosted = panelMessages<ScalingSweepNotification>(() => api, SCALING_SWEEP_VIEW_TYPE, 'the Scaling Sweep panel');
const send = (message: unknown) => api.panels.sendFromWebview(SCALING_SWEEP_VIEW_TYPE, message);

suite('Scaling Sweep (Step 8)', () => {
  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<ExtensionTestApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
  });

  suiteTeardown(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  test('opens on the shipped sweep, with its fit, until a sweep of the user’s own', async () => {
    const shown = nextPosted('sweep', (v) => v.source === 'shipped');
    await vscode.commands.executeCommand('llmPipeline.runScalingSweep');
    const view = await shown;
    assert.ok(view.file.endsWith(path.join('walkthroughs', 'scaling-sweep', 'results.json')), view.file);
    assert.equal(view.results?.runs.length, 4);
    assert.ok(view.results?.fit && Math.abs(view.results.fit.alpha - 0.285) < 0.001, 'the fit quoted on the walkthrough page');
  });

  test('a budget too small for the smallest model, or data too small for the largest, fails with the figures, in the panel', async function () {
    this.timeout(120_000);
    const data = nextPosted('setup', (s) => s.data?.startsWith('stories.txt') === true);
    await vscode.commands.executeCommand('llmPipeline.runScalingSweep', { sample: true });
    await data;
    const failed = nextPosted('sweep', (v) => v.status === 'failed', 90_000);
    await send({ type: 'start', payload: { settings: { budgetFlops: 1e7, tokensPerParameter: 4 } } });
    const view = await failed;
    assert.match(view.message ?? '', /too small for the smallest model: N = 1760 on 7168 tokens needs 6·N·D = 7\.57e\+7 FLOPs/);
    assert.equal(view.source, 'shipped', 'a failed sweep leaves the shipped results on show');

    // Four widths at 20 tokens per parameter: the largest would read more text than the sample holds.
    const tooLittle = nextPosted('sweep', (v) => v.status === 'failed' && /training tokens/.test(v.message ?? ''), 90_000);
    await send({ type: 'start', payload: { settings: { budgetFlops: 1e11, tokensPerParameter: 20 } } });
    assert.match((await tooLittle).message ?? '', /stories\.txt: 106507 training tokens, but the largest model of this budget \(N = 14496\) needs 290816 \(20 per parameter\) in one pass/);
  });

  test('Stop during the second size keeps the first run, plotted, and lists the sizes not run', async function () {
    this.timeout(SWEEP_MS);
    await vscode.commands.executeCommand('llmPipeline.runScalingSweep', { sample: true });
    const second = nextPosted('sweep', (v) => v.status === 'running' && v.current?.index === 1, SWEEP_MS);
    const stopped = nextPosted('sweep', (v) => v.status === 'stopped', SWEEP_MS);
    await send({ type: 'start', payload: { settings: TINY } });
    await second;
    await send({ type: 'stop', payload: {} });
    const view = await stopped;
    assert.equal(view.source, 'run');
    assert.deepEqual(view.results?.runs.map((r) => r.name), ['L2-C8']);
    assert.deepEqual(view.results?.not_run, ['L2-C12', 'L2-C16']);
    assert.equal(view.results?.fit, null, 'one size cannot be fitted');
    assert.match(view.message ?? '', /Stopped: 1 of the planned sizes finished/);
    assert.equal(readResults(path.dirname(view.file)).cancelled, true);
  });

  test('a tiny-budget sweep started from the panel trains in the worker and writes a fit; Train it and check adds the real point', async function () {
    this.timeout(2 * SWEEP_MS);
    await vscode.commands.executeCommand('llmPipeline.runScalingSweep', { sample: true });
    const live = nextPosted('sweep', (v) => v.status === 'running' && (v.current?.loss.length ?? 0) > 0, SWEEP_MS);
    const finished = nextPosted('sweep', (v) => v.source === 'run' && v.status === 'finished', SWEEP_MS);
    await send({ type: 'start', payload: { settings: TINY } });
    const current = (await live).current;
    assert.ok(current && current.totalSteps > 0 && current.planned === 3, 'the current run’s loss is drawn as it trains');
    const view = await finished;
    const onDisk = readResults(path.dirname(view.file));
    assert.deepEqual(onDisk.runs.map((r) => r.name), ['L2-C8', 'L2-C12', 'L2-C16']);
    assert.ok(onDisk.fit && Number.isFinite(onDisk.fit.alpha), 'results.json holds the fitted law');
    assert.ok(onDisk.fit.alpha_interval[0] <= onDisk.fit.alpha && onDisk.fit.alpha <= onDisk.fit.alpha_interval[1]);
    assert.equal(onDisk.prediction?.name, 'L2-C24');
    assert.deepEqual(view.results?.fit, onDisk.fit, 'the panel plots what results.json holds');

    const checked = nextPosted('sweep', (v) => v.status === 'finished' && v.results?.check !== null, SWEEP_MS);
    await send({ type: 'check', payload: {} });
    const check = (await checked).results?.check;
    assert.ok(check && check.name === 'L2-C24' && Number.isFinite(check.val_loss) && check.val_loss > 0);
    assert.equal(check.predicted_val_loss, onDisk.prediction.predicted_val_loss);
    assert.deepEqual(readResults(path.dirname(view.file)).check, check, 'the checked point is saved in results.json');
  });
});
