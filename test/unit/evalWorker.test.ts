// The eval process: a surprise report and a suite run equal to the same work done in this thread;
// a model written again into the same folder is read again; a cancelled run stops; results files
// written, found and compared.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openEvalModel } from '../../extension/engine/eval/evalModel';
import { EvalWorkerHost } from '../../extension/engine/eval/evalWorkerHost';
import { comparisonMarkdown, readRun, runsOf, writeRun } from '../../extension/engine/eval/resultsFile';
import type { TestResult } from '../../extension/engine/eval/runSuite';
import { scoreSurprise } from '../../extension/engine/eval/surprise';
import { workerScript } from '../../extension/engine/workers/workerScript';
import { EVAL_CONFIG, referenceLogProb, writeEvalModel } from './evalFixture';
import { makeTempDir, removeTempDir, writePeakedModel } from './modelFolderFixtures';

describe('eval: the eval process and results files', function () {
  this.timeout(60_000);
  let temp: string;
  let model: ReturnType<typeof writeEvalModel>;
  let host: EvalWorkerHost;
  before(() => {
    temp = makeTempDir('eval-worker');
    model = writeEvalModel(temp);
    host = new EvalWorkerHost(workerScript('evalWorker', 'eval/evalWorker.ts'));
  });
  after(() => {
    host.dispose();
    removeTempDir(temp);
  });

  it('scores surprise in its own process as this thread does, with progress', async () => {
    const text = 'A short story about a cat and a hat. '.repeat(12);
    const progress: number[] = [];
    const { report } = await host.surprise(model.dir, text, { stride: 64, onProgress: (done) => progress.push(done) });
    const lm = await openEvalModel(model.dir, { threads: 1 });
    try {
      const here = await scoreSurprise(lm, text, { stride: 64 });
      assert.equal(report.length, here.tokens.length);
      here.tokens.forEach((t, i) => {
        const there = report.token(i);
        assert.ok(Math.abs(t.nats - there.nats) < 1e-4);
        assert.deepEqual([there.id, there.text, there.start, there.end, there.rank], [t.id, t.text, t.start, t.end, t.rank]);
        assert.deepEqual(there.top.map((a) => [a.id, a.text]), t.top.map((a) => [a.id, a.text]));
        const at = report.at(t.start);
        assert.ok(at !== undefined && report.token(at).start <= t.start && t.start < report.token(at).end);
      });
      assert.ok(Math.abs(report.packed.evaluation.loss - here.evaluation.loss) < 1e-5);
      const worst = [...here.tokens].sort((a, b) => b.nats - a.nats)[0];
      assert.equal(report.token(report.mostSurprising(1)[0]).start, worst.start);
    } finally {
      await lm.release();
    }
    assert.ok(progress.length >= 2 && progress[progress.length - 1] === report.length, `progress ${progress.join(',')}`);
  });

  it('reads a model again when its folder is written again (a retrained model is not scored with the old weights)', async () => {
    const dir = path.join(temp, 'retrained');
    const text = 'The cat sat on the mat. '.repeat(4);
    const lossOf = async () => (await host.surprise(dir, text)).report.packed.evaluation.loss;
    writePeakedModel(dir, EVAL_CONFIG, 21);
    const first = await lossOf();
    const second = writePeakedModel(dir, EVAL_CONFIG, 22);
    const after = await lossOf();
    assert.notEqual(after, first);
    const head = 'The cat sat on the mat.';
    const lp = referenceLogProb(second, head, text.slice(head.length));
    const suite = { tests: [{ kind: 'expect', name: 'rest', prompt: head, expected: text.slice(head.length), mode: 'logprob', minLogProb: -1e6 }] };
    const results: TestResult[] = [];
    await host.runSuite(dir, { text: JSON.stringify(suite), dir: temp, root: temp }, { onResult: (r) => results.push(r) });
    assert.ok(Math.abs((results[0].figures.logProb as number) - lp) < 1e-3, `${results[0].figures.logProb} vs the new weights' ${lp}`);
  });

  it('runs a suite, reporting each test as it starts and ends, with the model hash', async () => {
    const lp = referenceLogProb(model.weights, 'Hi', ' there');
    const suite = { tests: [{ kind: 'expect', name: 'a', prompt: 'Hi', expected: ' there', mode: 'logprob', minLogProb: lp - 0.01 }, { kind: 'expect', name: 'b', prompt: 'x'.repeat(400), expected: 'y' }] };
    const started: string[] = [];
    const results: TestResult[] = [];
    const done = await host.runSuite(model.dir, { text: JSON.stringify(suite), dir: temp, root: temp }, { onStarted: (n) => started.push(n), onResult: (r) => results.push(r) });
    assert.deepEqual(started, ['a', 'b']);
    assert.deepEqual(results.map((r) => r.status), ['passed', 'errored']);
    assert.match(done.modelHash, /^[0-9a-f]{64}$/);
  });

  it('stops a cancelled run', async () => {
    const controller = new AbortController();
    const job = host.surprise(model.dir, 'word '.repeat(20_000), { stride: 1, signal: controller.signal, onProgress: () => controller.abort() });
    await assert.rejects(job, { name: 'AbortError' });
    // The next job still runs.
    const { report } = await host.surprise(model.dir, 'Hello there.');
    assert.equal(report.length, 12);
  });

  it('writes a run as JSONL with its header, finds the last two and compares them', () => {
    const folder = path.join(temp, '.llm-pipeline', 'results');
    const header = (at: string, hash: string) => ({ suite: 'S', suiteFile: 'dir/s.llmeval.json', model: 'm', modelDir: '/m', modelHash: hash, startedAt: at });
    const result = (status: TestResult['status'], lift: number): TestResult => ({ name: 't|1', kind: 'injection', status, message: '', figures: { lift }, durationMs: 3 });
    writeRun(folder, header('2026-01-01T00:00:00.000Z', 'a'.repeat(64)), [result('passed', 0.2)]);
    const second = writeRun(folder, header('2026-01-02T00:00:00.000Z', 'b'.repeat(64)), [result('failed', 1.5)]);
    fs.writeFileSync(path.join(folder, 'other-2026-01-03T00-00-00-000Z.jsonl'), '{}\n');
    const runs = runsOf(folder, 'elsewhere/s.llmeval.json');
    assert.deepEqual(runs.map((f) => path.basename(f)), ['s-2026-01-02T00-00-00-000Z.jsonl', 's-2026-01-01T00-00-00-000Z.jsonl']);
    assert.equal(runs[0], second);
    const lines = fs.readFileSync(second, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines[0].modelHash, 'b'.repeat(64));
    assert.equal(lines[1].status, 'failed');
    const markdown = comparisonMarkdown(readRun(runs[1]), readRun(runs[0]));
    assert.match(markdown, /\| t\\\|1 \| passed \| failed \*\*changed\*\* \| lift 0\.200 → 1\.500 \|/);
  });
});
