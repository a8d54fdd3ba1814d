// Eval suites in the Test Explorer: every *.llmeval.json in the workspace is a test item, each of
// its tests a child placed on its object in the file. Running sends the suite to the eval process
// (engine/eval/evalWorker.ts) and reports each test as it starts and ends, with its message and
// duration; the run is written as JSONL under .llm-pipeline/results/ with the model's hash.
// Two profiles: Run (the active model) and Run on another model (a folder chosen once, kept for
// the workspace, changed through the profile's settings).

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EvalWorkerHost } from '../engine/eval/evalWorkerHost';
import { isAtOrInside } from '../engine/files/insideFolder';
import { writeRun } from '../engine/eval/resultsFile';
import { choiceAccuracy, type TestResult } from '../engine/eval/runSuite';
import { parseSuite } from '../engine/eval/suiteFile';
import { MAX_SUITE_BYTES, testOffsets } from '../engine/eval/suiteLocation';
import { log } from '../log';
import type { ActiveModel } from '../model/activeModel';
import { SUITE_GLOB, type SuiteDiagnostics } from './suiteDiagnostics';

const OTHER_MODEL_KEY = 'llmPipeline.eval.otherModel';
const RESULTS_FOLDER = ['.llm-pipeline', 'results'] as const;

export interface SuiteRunSummary {
  readonly results: readonly TestResult[];
  readonly resultsFile?: string;
  readonly model?: string;
  /** Tests of the request that did not run because the run was cancelled (reported as skipped). */
  readonly skipped?: readonly string[];
}

export class SuiteTests implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController('llmPipeline.evalSuites', vscode.l10n.t('LLM eval suites'));
  /** The Test Explorer's two profiles: Run on the active model (the default) and Run on another model. */
  readonly profiles: { readonly active: vscode.TestRunProfile; readonly other: vscode.TestRunProfile };
  private readonly finished = new vscode.EventEmitter<TestResult>();
  /** Fires as each test of a run ends, with its result. */
  readonly onDidFinishTest = this.finished.event;
  private readonly subscriptions: vscode.Disposable[] = [this.finished];

  constructor(
    private readonly worker: EvalWorkerHost,
    private readonly model: ActiveModel,
    private readonly diagnostics: SuiteDiagnostics,
    private readonly state: vscode.Memento,
    /** The shipped suites read the walkthrough's samples: files inside the extension are theirs to read. */
    private readonly extensionRoot: string,
    /** Where runs of a suite outside any workspace folder are recorded (the extension's global storage). */
    private readonly fallbackResults: string,
  ) {
    this.controller.resolveHandler = async (item) => {
      if (!item) await this.discover();
    };
    this.controller.refreshHandler = () => this.discover();
    const active = this.controller.createRunProfile(vscode.l10n.t('Run on the active model'), vscode.TestRunProfileKind.Run, async (request, token) => void (await this.run(request, token)), true);
    const other = this.controller.createRunProfile(vscode.l10n.t('Run on another model…'), vscode.TestRunProfileKind.Run, async (request, token) => void (await this.run(request, token, 'other')), false);
    other.configureHandler = () => void this.chooseOtherModel();
    this.profiles = { active, other };
    const watcher = vscode.workspace.createFileSystemWatcher(SUITE_GLOB);
    this.subscriptions.push(
      this.controller,
      watcher,
      watcher.onDidCreate((uri) => this.refresh(uri)),
      watcher.onDidChange((uri) => this.refresh(uri)),
      watcher.onDidDelete((uri) => this.controller.items.delete(uri.toString())),
    );
  }

  /** Finds every suite file in the workspace. */
  async discover(): Promise<void> {
    const files = await vscode.workspace.findFiles(SUITE_GLOB, '**/node_modules/**');
    await Promise.all(files.map((uri) => this.refresh(uri)));
  }

  /** Reads a suite file and (re)builds its item and its tests' items; a broken file gets an error and no tests. */
  async refresh(uri: vscode.Uri): Promise<vscode.TestItem | undefined> {
    const text = await this.readSuite(uri).catch((error: Error) => error);
    const item = this.controller.items.get(uri.toString()) ?? this.controller.createTestItem(uri.toString(), path.basename(uri.fsPath), uri);
    this.controller.items.add(item);
    if (text instanceof Error) {
      item.error = text.message;
      item.children.replace([]);
      return item;
    }
    const parsed = parseSuite(text);
    this.diagnostics.show(uri, text);
    if (!parsed.ok) {
      item.error = vscode.l10n.t('This suite has problems (see the Problems panel); nothing in it runs until they are fixed.');
      item.children.replace([]);
      return item;
    }
    item.error = undefined;
    item.label = parsed.suite.name ?? path.basename(uri.fsPath);
    const offsets = testOffsets(text);
    const document = await vscode.workspace.openTextDocument(uri);
    item.children.replace(
      parsed.suite.tests.map((test) => {
        const child = this.controller.createTestItem(`${uri.toString()}#${test.name}`, test.name, uri);
        child.description = test.kind;
        const at = offsets.get(test.name);
        if (at) child.range = new vscode.Range(document.positionAt(at.offset), document.positionAt(at.offset + at.length));
        return child;
      }),
    );
    return item;
  }

  /** The run handler: each suite file's requested tests, one file after another. */
  async run(request: vscode.TestRunRequest, token: vscode.CancellationToken, which: 'active' | 'other' = 'active'): Promise<SuiteRunSummary[]> {
    const modelDir = which === 'other' ? (this.state.get<string>(OTHER_MODEL_KEY) ?? (await this.chooseOtherModel())) : await this.model.runnableFolder();
    const run = this.controller.createTestRun(request);
    const summaries: SuiteRunSummary[] = [];
    try {
      for (const [file, tests] of this.requested(request)) {
        if (token.isCancellationRequested) break;
        summaries.push(await this.runFile(run, file, tests, modelDir, which, token));
      }
    } finally {
      run.end();
    }
    return summaries;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }

  private async runFile(run: vscode.TestRun, file: vscode.TestItem, tests: vscode.TestItem[], modelDir: string | undefined, which: 'active' | 'other', token: vscode.CancellationToken): Promise<SuiteRunSummary> {
    const uri = file.uri as vscode.Uri;
    const byName = new Map(tests.map((t) => [t.label, t]));
    for (const t of tests) run.enqueued(t);
    const failAll = (message: string) => {
      for (const t of tests) run.errored(t, new vscode.TestMessage(message));
      return { results: [] };
    };
    if (!modelDir) {
      return failAll(
        which === 'other'
          ? vscode.l10n.t('No second model folder was chosen: choose one in the settings of the "Run on another model…" profile.')
          : vscode.l10n.t('No model folder is chosen and none is bundled. Run "LLM Pipeline: Choose Model Folder…".'),
      );
    }
    const text = await this.readSuite(uri).catch((error: Error) => error);
    if (text instanceof Error) return failAll(text.message);
    if (!this.diagnostics.show(uri, text)) return failAll(vscode.l10n.t('This suite has problems (see the Problems panel); nothing in it runs until they are fixed.'));
    const suite = parseSuite(text);
    if (!suite.ok) return failAll(suite.problems[0].message);

    const workspace = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
    const dir = path.dirname(uri.fsPath);
    const root = workspace ?? (isAtOrInside(this.extensionRoot, uri.fsPath) ? this.extensionRoot : dir);
    const controller = new AbortController();
    const cancel = token.onCancellationRequested(() => controller.abort());
    const results: TestResult[] = [];
    const startedAt = new Date().toISOString();
    try {
      const done = await this.worker.runSuite(
        modelDir,
        { text, dir, root, only: tests.map((t) => t.label) },
        {
          signal: controller.signal,
          onStarted: (name) => byName.get(name) && run.started(byName.get(name) as vscode.TestItem),
          onResult: (result) => {
            results.push(result);
            this.finished.fire(result);
            const item = byName.get(result.name);
            if (!item) return;
            const message = new vscode.TestMessage(result.message);
            if (result.status === 'passed') run.passed(item, result.durationMs);
            else if (result.status === 'failed') run.failed(item, message, result.durationMs);
            else run.errored(item, message, result.durationMs);
            run.appendOutput(`${result.status.toUpperCase()} ${result.name}: ${result.message.replace(/\n/g, '\r\n')}\r\n`, undefined, item);
          },
        },
      );
      const accuracy = choiceAccuracy(suite.suite, results);
      if (accuracy) {
        const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
        run.appendOutput(`${vscode.l10n.t('choice accuracy {0}/{1} = {2} (95% interval {3}–{4}), chance {5}', accuracy.correct, accuracy.total, pct(accuracy.accuracy), pct(accuracy.interval.low), pct(accuracy.interval.high), pct(accuracy.chance))}\r\n`);
      }
      const folder = this.resultsFolder(uri);
      const header = { suite: suite.suite.name ?? path.basename(uri.fsPath), suiteFile: uri.fsPath, model: done.modelName, modelDir, modelHash: done.modelHash, startedAt };
      const resultsFile = writeRun(folder, header, results);
      log().info(`eval suite ${uri.fsPath} on ${modelDir}: ${results.filter((r) => r.status === 'passed').length}/${results.length} passed; results in ${resultsFile}`);
      return { results, resultsFile, model: modelDir };
    } catch (error) {
      const unfinished = tests.filter((t) => !results.some((r) => r.name === t.label));
      if ((error as Error).name === 'AbortError') {
        for (const t of unfinished) run.skipped(t);
        run.appendOutput(`${vscode.l10n.t('The run was cancelled; {0} of {1} tests did not run.', unfinished.length, tests.length)}\r\n`);
        log().info(`eval suite ${uri.fsPath} on ${modelDir}: cancelled after ${results.length} of ${tests.length} tests`);
        return { results, model: modelDir, skipped: unfinished.map((t) => t.label) };
      }
      const reason = (error as Error).message;
      log().error(`eval suite ${uri.fsPath} on ${modelDir}: ${reason}`);
      for (const t of unfinished) run.errored(t, new vscode.TestMessage(reason));
      return { results, model: modelDir };
    } finally {
      cancel.dispose();
    }
  }

  /** Requested items grouped by suite file: a file item stands for all its tests. */
  private requested(request: vscode.TestRunRequest): Map<vscode.TestItem, vscode.TestItem[]> {
    const groups = new Map<vscode.TestItem, vscode.TestItem[]>();
    const roots = request.include ?? [...this.controller.items].map(([, item]) => item);
    const excluded = new Set(request.exclude ?? []);
    for (const item of roots) {
      const file = item.parent ?? item;
      const tests = item.parent ? [item] : [...item.children].map(([, child]) => child);
      const kept = tests.filter((t) => !excluded.has(t));
      groups.set(file, [...(groups.get(file) ?? []), ...kept]);
    }
    return groups;
  }

  private async readSuite(uri: vscode.Uri): Promise<string> {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.size > MAX_SUITE_BYTES) throw new Error(vscode.l10n.t('{0}: {1} bytes, larger than a suite file may be ({2})', uri.fsPath, stat.size, MAX_SUITE_BYTES));
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    return open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  }

  /**
   * Where the runs of a suite file are recorded: .llm-pipeline/results/ in its workspace folder,
   * else beside it; a suite shipped inside the extension, in the extension's global storage.
   */
  resultsFolder(uri: vscode.Uri): string {
    const workspace = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
    if (workspace) return path.join(workspace, ...RESULTS_FOLDER);
    return isAtOrInside(this.extensionRoot, uri.fsPath) ? this.fallbackResults : path.join(path.dirname(uri.fsPath), ...RESULTS_FOLDER);
  }

  /** Keeps `dir` as the workspace's second model, the one "Run on another model" runs on. */
  async useOtherModel(dir: string): Promise<void> {
    await this.state.update(OTHER_MODEL_KEY, dir);
  }

  private async chooseOtherModel(): Promise<string | undefined> {
    const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: vscode.l10n.t('Run suites on this model'), title: vscode.l10n.t('A model folder (config.json, tokenizer.json, onnx/model.onnx)') });
    const dir = picked?.[0]?.fsPath;
    if (dir) await this.useOtherModel(dir);
    return dir;
  }
}
