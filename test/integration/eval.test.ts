// Step 7 in a real extension host: a fixture suite in the workspace discovered by the Test
// Explorer's controller, run on the bundled model with tests that pass, fail and error as their
// figures say they should (checked against the engine run in this process), its results file
// written; a schema error shown on a broken suite; Show Surprise's decorations, diagnostics, hover,
// quick fix and status bar on a story; Show Calibration's reliability bins for the sample story;
// the "Run on another model" profile on a second model folder; a run cancelled part-way; a shipped
// suite's last two runs compared.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { openEvalModel } from '../../extension/engine/eval/evalModel';
import { scoreContinuation } from '../../extension/engine/eval/continuation';
import { modelHash } from '../../extension/engine/eval/modelHash';
import { readRun, runsOf } from '../../extension/engine/eval/resultsFile';
import { scoreSurprise } from '../../extension/engine/eval/surprise';
import { readModelFolder } from '../../extension/engine/modelFolder/readModelFolder';
import type { ExtensionTestApi } from '../../extension/extension';
import { CALIBRATION_VIEW_TYPE, type CalibrationView } from '../../webviews/calibration/protocol';

const EXTENSION_ID = 'llm-pipeline-lab.llm-pipeline-lab';

let api: ExtensionTestApi;
let workspace: string;
let bundled: string;

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const began = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() - began > timeoutMs) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

suite('Eval: suites in the Test Explorer and Show Surprise', () => {
  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<ExtensionTestApi>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
    workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
    assert.ok(workspace, 'the integration workspace is open');
    bundled = path.join(extension.extensionPath, 'models', 'tinystories-1m');
  });

  test('discovers a suite file, runs it: pass, fail and error as expected, results written with the model hash', async () => {
    const lm = await openEvalModel(bundled, { threads: 1 });
    const time = await scoreContinuation(lm, 'Once upon a', ' time').finally(() => lm.release());
    const suiteFile = path.join(workspace, 'fixture.llmeval.json');
    fs.writeFileSync(
      suiteFile,
      JSON.stringify({
        name: 'fixture',
        tests: [
          { kind: 'expect', name: 'passes', prompt: 'Once upon a', expected: ' time', mode: 'logprob', minLogProb: time.logProb - 0.01 },
          { kind: 'expect', name: 'fails', prompt: 'Once upon a', expected: ' time', mode: 'logprob', minLogProb: time.logProb + 0.01 },
          { kind: 'expect', name: 'errors', prompt: 'word '.repeat(400), expected: ' time' },
        ],
      }, null, 2),
    );
    const uri = vscode.Uri.file(suiteFile);
    await api.eval.suites.discover();
    const item = await until('the suite item', () => api.eval.suites.controller.items.get(uri.toString()));
    assert.deepEqual([...item.children].map(([, c]) => c.label), ['passes', 'fails', 'errors']);
    assert.equal([...item.children].find(([, c]) => c.label === 'fails')?.[1].range?.start.line, 11);

    const [summary] = await api.eval.runSuiteFile(uri);
    assert.deepEqual(summary.results.map((r) => [r.name, r.status]), [['passes', 'passed'], ['fails', 'failed'], ['errors', 'errored']]);
    assert.match(summary.results[2].message, /more than the model's context of 256/);
    assert.ok(summary.resultsFile && fs.existsSync(summary.resultsFile));
    assert.equal(path.dirname(summary.resultsFile), path.join(workspace, '.llm-pipeline', 'results'));
    const lines = fs.readFileSync(summary.resultsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.match(lines[0].modelHash, /^[0-9a-f]{64}$/);
    assert.equal(lines[0].suite, 'fixture');
    assert.deepEqual(lines.slice(1).map((l) => l.status), ['passed', 'failed', 'errored']);

    // A second run, then the two compared side by side.
    const [again] = await api.eval.runSuiteFile(uri);
    assert.notEqual(again.resultsFile, summary.resultsFile);
    await vscode.commands.executeCommand('llmPipeline.compareEvalRuns', uri);
    const comparison = await until('the comparison document', () => {
      const document = vscode.window.activeTextEditor?.document;
      return document?.languageId === 'markdown' && document.getText().startsWith('# fixture: the last two runs') ? document.getText() : undefined;
    });
    assert.match(comparison, /\| passes \| passed \| passed \| logProb -?[0-9.]+ → -?[0-9.]+/);
  });

  test('shows a schema error on a broken suite and runs nothing in it', async () => {
    const file = path.join(workspace, 'broken.llmeval.json');
    fs.writeFileSync(file, '{\n  "tests": [\n    {"kind": "choice", "name": "one choice", "context": "c", "choices": [" a"], "answer": 0}\n  ]\n}\n');
    const uri = vscode.Uri.file(file);
    await vscode.window.showTextDocument(uri);
    const diagnostics = await until('the suite diagnostic', () => {
      const found = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'LLM eval suite');
      return found.length ? found : undefined;
    });
    assert.match(diagnostics[0].message, /needs at least two choices/);
    assert.equal(diagnostics[0].range.start.line, 2);
    const item = await api.eval.suites.refresh(uri);
    assert.ok(item?.error);
    assert.equal(item?.children.size, 0);
  });

  test('Show Surprise shades the tokens, lists the most surprising, hovers with alternatives, and shows perplexity', async () => {
    const story = path.join(workspace, 'story.txt');
    const text = 'Once upon a time, there was a little girl named Lily. She loved to play with her red ball in the park. One day, the ball rolled into a purple volcano.';
    fs.writeFileSync(story, text);
    const uri = vscode.Uri.file(story);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('llmPipeline.showSurprise');
    const state = await until('the surprise shading', () => api.eval.surprise.state(uri));

    const lm = await openEvalModel(bundled, { threads: 1 });
    const reference = await scoreSurprise(lm, text).finally(() => lm.release());
    assert.equal(state.tokens, reference.tokens.length);
    assert.ok(state.shaded.reduce((a, b) => a + b, 0) > 0);
    assert.equal(state.diagnostics, 10);
    assert.match(state.status, new RegExp(`PPL ${reference.evaluation.perplexity.toFixed(2)} · ${reference.evaluation.bitsPerByte.toFixed(3)} bits/byte`));

    const worst = [...reference.tokens].sort((a, b) => b.nats - a.nats)[0];
    const problems = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'LLM surprise');
    assert.equal(problems.length, 10);
    assert.ok(problems.some((d) => d.severity === vscode.DiagnosticSeverity.Information && document.offsetAt(d.range.start) === worst.start));

    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, document.positionAt(worst.start));
    const hoverText = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    assert.match(hoverText, new RegExp(`rank ${worst.rank}`));
    assert.ok(hoverText.includes(worst.top[0].probability.toFixed(4)), hoverText);

    const at = problems.find((d) => document.offsetAt(d.range.start) === worst.start) as vscode.Diagnostic;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, at.range);
    assert.ok(actions.some((a) => a.title === 'Open in Decoding Playground at this position'));
  });

  test('Show Calibration scores the sample story once and sends the panel the bins the engine counts', async () => {
    const story = path.join(bundled, '..', '..', 'walkthroughs', 'samples', 'story.txt');
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(story));
    await vscode.window.showTextDocument(document);
    const drawn = new Promise<CalibrationView>((resolve) => {
      const listener = api.panels.onDidPostToWebview(({ viewType, message }) => {
        if (viewType !== CALIBRATION_VIEW_TYPE || message.type !== 'calibration') return;
        listener.dispose();
        resolve(message.payload as CalibrationView);
      });
    });
    await vscode.commands.executeCommand('llmPipeline.showCalibration');
    const view = await drawn;

    const lm = await openEvalModel(bundled, { threads: 1 });
    const reference = await scoreSurprise(lm, document.getText()).finally(() => lm.release());
    const expected = reference.calibration;
    assert.equal(view.file, 'story.txt');
    assert.ok(view.count > 200, `${view.count} predictions in the sample story`);
    assert.equal(view.count, expected.count);
    assert.equal(view.bins.length, 10);
    assert.deepEqual(view.bins.map((b) => b.count), expected.bins.map((b) => b.count));
    view.bins.forEach((b, i) => {
      assert.ok(Math.abs(b.accuracy - expected.bins[i].accuracy) < 1e-9);
      assert.ok(Math.abs(b.confidence - expected.bins[i].confidence) < 1e-6, `bin ${i}: ${b.confidence} vs ${expected.bins[i].confidence}`);
    });
    assert.ok(Math.abs(view.ece - expected.ece) < 1e-6);
    assert.ok(Math.abs(view.accuracy - expected.accuracy) < 1e-9);
    // The file was scored by the command, so Show Surprise's shading is on it too.
    assert.equal(api.eval.surprise.state(document.uri)?.tokens, reference.tokens.length);
  });

  test('"Run on another model" runs the suite on the second folder and records that model\'s hash', async () => {
    // The second model: the bundled model's int8 graph (a different file, so a different hash) with its tokenizer.
    const second = fs.mkdtempSync(path.join(os.tmpdir(), 'second-model-'));
    for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json']) fs.copyFileSync(path.join(bundled, file), path.join(second, file));
    fs.mkdirSync(path.join(second, 'onnx'));
    fs.copyFileSync(path.join(bundled, 'onnx', 'model_int8.onnx'), path.join(second, 'onnx', 'model_quantized.onnx'));
    const suiteFile = path.join(workspace, 'other-model.llmeval.json');
    fs.writeFileSync(suiteFile, JSON.stringify({ name: 'other model', tests: [{ kind: 'expect', name: 'time', prompt: 'Once upon a', expected: ' time', mode: 'logprob', minLogProb: -50 }] }, null, 2));
    const item = await api.eval.suites.refresh(vscode.Uri.file(suiteFile));
    assert.ok(item);
    const { active, other } = api.eval.suites.profiles;
    const tokens = new vscode.CancellationTokenSource();
    try {
      await api.eval.suites.useOtherModel(second);
      await other.runHandler(new vscode.TestRunRequest([item], undefined, other), tokens.token);
      await active.runHandler(new vscode.TestRunRequest([item], undefined, active), tokens.token);
    } finally {
      tokens.dispose();
    }
    const [onActive, onSecond] = runsOf(path.join(workspace, '.llm-pipeline', 'results'), suiteFile).slice(0, 2).map(readRun);
    assert.equal(onSecond.header.modelDir, second);
    assert.equal(onSecond.header.modelHash, await modelHash(readModelFolder(second)));
    assert.equal(onActive.header.modelHash, await modelHash(readModelFolder(bundled)));
    assert.notEqual(onSecond.header.modelHash, onActive.header.modelHash);

    // Each run's figure is its own model's: ln p(" time" | "Once upon a") scored here on the int8 graph.
    const lm = await openEvalModel(second, { threads: 1 });
    const time = await scoreContinuation(lm, 'Once upon a', ' time').finally(() => lm.release());
    assert.equal(onSecond.results[0].status, 'passed');
    assert.ok(Math.abs((onSecond.results[0].figures.logProb as number) - time.logProb) < 1e-4, `${onSecond.results[0].figures.logProb} vs ${time.logProb}`);
    fs.rmSync(second, { recursive: true, force: true });
  });

  test('cancelling a run stops it: the tests it did not reach are skipped and no results file is written', async () => {
    const suiteFile = path.join(workspace, 'long.llmeval.json');
    const prompt = 'Once upon a time, there was a little girl named Lily. She loved to play outside. '.repeat(8);
    const tests = Array.from({ length: 300 }, (_, i) => ({ kind: 'expect', name: `test ${i + 1}`, prompt, expected: ' She', mode: 'logprob', minLogProb: -50 }));
    fs.writeFileSync(suiteFile, JSON.stringify({ name: 'long', tests }, null, 2));
    const item = await api.eval.suites.refresh(vscode.Uri.file(suiteFile));
    assert.ok(item);
    const tokens = new vscode.CancellationTokenSource();
    let cancelledAt = 0;
    const listener = api.eval.suites.onDidFinishTest(() => {
      if (cancelledAt) return;
      cancelledAt = Date.now();
      tokens.cancel();
    });
    try {
      const [summary] = await api.eval.suites.run(new vscode.TestRunRequest([item]), tokens.token);
      const stoppedAfter = Date.now() - cancelledAt;
      assert.ok(cancelledAt > 0, 'a test finished before the run was cancelled');
      assert.ok(stoppedAfter < 15_000, `the run ended ${stoppedAfter} ms after it was cancelled`);
      assert.ok(summary.results.length >= 1 && summary.results.length < tests.length, `${summary.results.length} tests ran`);
      assert.equal((summary.skipped ?? []).length, tests.length - summary.results.length);
      assert.ok(summary.skipped?.every((name) => !summary.results.some((r) => r.name === name)));
      assert.equal(summary.resultsFile, undefined);
      assert.deepEqual(runsOf(path.join(workspace, '.llm-pipeline', 'results'), suiteFile), []);
    } finally {
      listener.dispose();
      tokens.dispose();
    }
  });

  test('a shipped suite\'s runs are kept in the extension\'s storage, and its last two runs compare', async () => {
    const uri = vscode.Uri.file(path.join(bundled, '..', '..', 'walkthroughs', 'eval', 'tinystories-expect.llmeval.json'));
    const [first] = await api.eval.runSuiteFile(uri);
    const [second] = await api.eval.runSuiteFile(uri);
    assert.ok(first.resultsFile && second.resultsFile);
    assert.equal(path.dirname(second.resultsFile), path.dirname(first.resultsFile));
    assert.equal(path.basename(path.dirname(second.resultsFile)), 'eval-results', `${second.resultsFile} is in the extension's global storage`);
    await vscode.window.showTextDocument(uri);
    await vscode.commands.executeCommand('llmPipeline.compareEvalRuns', uri);
    const comparison = await until('the comparison document', () => {
      const document = vscode.window.activeTextEditor?.document;
      return document?.languageId === 'markdown' && document.getText().includes(': the last two runs') ? document.getText() : undefined;
    });
    assert.equal(comparison.split('\n').filter((line) => /^\| [^-]/.test(line)).length - 1, first.results.length);
  });
});
