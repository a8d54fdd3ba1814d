// Step 8's efficiency panels, below the editor: the coloured spans of a speculative run, the draft
// a panel trains, the forgetting series and result files, and both measurements through the
// training worker (speculative output against the target's greedy output computed here).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { draftTrainOptions } from '../../extension/engine/generate/draftModel';
import { generate } from '../../extension/engine/generate/generate';
import type { GPTConfig } from '../../extension/engine/gpt/config';
import { openModelFolder } from '../../extension/engine/runtime/openModelFolder';
import { loadTokenizerFile } from '../../extension/engine/tokenizer/loadTokenizerFile';
import { speculativeInWorker, startForgettingJob } from '../../extension/engine/train/efficiencyJobs';
import { checkTrainOptions } from '../../extension/engine/train/options';
import { readForgettingResult, resultView, SHIPPED_RESULT_PATH } from '../../extension/forgetting/forgettingResult';
import { isForgettingRequest } from '../../webviews/forgetting/protocol';
import { curveSeries, forgetting } from '../../webviews/forgetting/series';
import { isSpeculativeRequest } from '../../webviews/speculative/protocol';
import { speculativeSpans } from '../../webviews/speculative/spans';
import { makeTempDir, removeTempDir, writePeakedModel } from './modelFolderFixtures';
import { tsxWorkerScript } from './workerShim';
import { gptOnly } from '../../extension/engine/train/trainableConfig';

const ROOT = path.join(__dirname, '..', '..');

describe('speculative decoding view: spans', () => {
  const rounds = [
    { proposed: ['a', 'b', 'c'], accepted: 3, targetToken: 'D' },
    { proposed: ['e', 'x', 'y'], accepted: 1, targetToken: 'F' },
    { proposed: [], accepted: 0, targetToken: 'G' },
  ];

  it('colours accepted, rejected, corrected and bonus tokens round by round', () => {
    const spans = speculativeSpans(rounds, 7);
    assert.deepEqual(spans.map((s) => `${s.text}:${s.kind}:${s.round}`), [
      'a:accepted:1', 'b:accepted:1', 'c:accepted:1', 'D:bonus:1', 'e:accepted:2', 'x:rejected:2', 'y:rejected:2', 'F:corrected:2', 'G:bonus:3',
    ]);
    // The output is every span but the rejected ones.
    assert.equal(spans.filter((s) => s.kind !== 'rejected').map((s) => s.text).join(''), 'abcDeFG');
  });

  it('stops at the number of tokens the run kept', () => {
    assert.equal(speculativeSpans(rounds, 5).map((s) => s.text).join(''), 'abcDe');
    assert.deepEqual(speculativeSpans(rounds, 0), []);
  });
});

describe('efficiency panels: messages from the webview', () => {
  it('are checked: bounded numbers, bounded prompt, no unknown keys', () => {
    assert.ok(isSpeculativeRequest({ type: 'run', payload: { prompt: 'Once', maxNewTokens: 60, draftTokens: 4 } }));
    assert.ok(!isSpeculativeRequest({ type: 'run', payload: { prompt: 'Once', maxNewTokens: 1e6, draftTokens: 4 } }));
    assert.ok(!isSpeculativeRequest({ type: 'run', payload: { prompt: 'x'.repeat(5000), maxNewTokens: 60, draftTokens: 4 } }));
    assert.ok(!isSpeculativeRequest({ type: 'trainDraft', payload: { folder: '/etc' } }));
    assert.ok(isForgettingRequest({ type: 'run', payload: { replayRatio: 0.25, steps: 150 } }));
    assert.ok(!isForgettingRequest({ type: 'run', payload: { replayRatio: 1, steps: 150 } }), 'replay cannot take the whole batch');
    assert.ok(!isForgettingRequest({ type: 'run', payload: { replayRatio: 0.25, steps: 1.5 } }));
    assert.ok(!isForgettingRequest({ type: 'chooseNewData', payload: { path: '/etc/passwd' } }));
  });
});

describe('draft model options', () => {
  it('train a 1-layer model of the target vocabulary with the target tokenizer, within its context', () => {
    const target: GPTConfig = { n_layer: 4, n_head: 4, n_embd: 128, n_positions: 64, vocab_size: 4096, layer_norm_epsilon: 1e-5 };
    const options = draftTrainOptions(target, '/models/target', '/data.txt', '/out');
    assert.equal(gptOnly(options.model, 'this run').n_layer, 1);
    assert.equal(options.model.vocab_size, 4096);
    assert.equal(options.tokenizerPath, '/models/target');
    assert.equal(options.contextLength, 64);
    assert.equal(options.baseModel, undefined, 'a fresh model, not the target fine-tuned');
    checkTrainOptions(options);
  });
});

describe('forgetting view', () => {
  it('reads the shipped result, one series per replay ratio, forgetting = last old loss − first', () => {
    const file = path.join(ROOT, ...SHIPPED_RESULT_PATH);
    const result = readForgettingResult(file);
    const view = resultView(result, 'shipped');
    assert.equal(view.newData, 'input.txt');
    assert.ok(view.curves.length >= 2, 'with and without replay');
    assert.equal(view.steps, Math.max(...result.curves.flatMap((c) => c.points.map((p) => p.step))));
    const series = curveSeries(view.curves, 'old', (r) => `ρ=${r}`);
    assert.deepEqual(series.map((s) => s.label), view.curves.map((c) => `ρ=${c.replayRatio}`));
    assert.equal(series[0].points[0][1], view.curves[0].points[0].oldLoss);
    const c = view.curves[0];
    assert.equal(forgetting(c), (c.points.at(-1)?.oldLoss as number) - c.points[0].oldLoss);
    assert.equal(forgetting({ replayRatio: 0, points: [{ step: 0, oldLoss: 1, newLoss: 2 }] }), undefined);
  });

  it('names the file and the problem when a result is broken', () => {
    const dir = makeTempDir('forgetting-result');
    try {
      const file = path.join(dir, 'bad.json');
      fs.writeFileSync(file, '{"curves": [{"replayRatio": 0, "points": [{"step": "x"}]}]}');
      assert.throws(() => readForgettingResult(file), (e: Error) => e.message.startsWith(file) && e.message.includes('curves'));
      fs.writeFileSync(file, '{"curves": [');
      assert.throws(() => readForgettingResult(file), (e: Error) => e.message.startsWith(`${file}: not a readable JSON file`));
    } finally {
      removeTempDir(dir);
    }
  });
});

describe('efficiency jobs in the training worker', () => {
  let dir: string;
  let workerScript: string;
  const config: GPTConfig = { n_layer: 2, n_head: 2, n_embd: 32, n_positions: 64, vocab_size: 257, layer_norm_epsilon: 1e-5 };
  before(() => {
    dir = makeTempDir('efficiency-jobs');
    workerScript = tsxWorkerScript(dir, 'trainWorker', 'extension/engine/train/worker.ts');
    writePeakedModel(path.join(dir, 'target'), config, 7);
    writePeakedModel(path.join(dir, 'draft'), { ...config, n_layer: 1 }, 8);
  });
  after(() => removeTempDir(dir));

  it('speculative decoding reports the target greedy output, checked against generate() here', async function () {
    this.timeout(120_000);
    const prompt = 'The cat sat';
    const report = await speculativeInWorker({ draftFolder: path.join(dir, 'draft'), targetFolder: path.join(dir, 'target'), prompt, maxNewTokens: 24, draftTokens: 3, threads: 1 }, { workerScript });
    assert.equal(report.matchesGreedy, true);
    assert.equal(report.tokens, 24);
    const target = await openModelFolder(path.join(dir, 'target'), { threads: 1 });
    try {
      const tokenizer = await loadTokenizerFile(path.join(dir, 'target'));
      const greedy = await generate(target.model, tokenizer.encodeIds(prompt, { addSpecialTokens: true }), { sampler: { temperature: 0 }, maxNewTokens: 24, topN: 0 });
      assert.equal(report.pieces.map((p) => p.text).join(''), tokenizer.decode([...greedy.tokens]));
    } finally {
      await target.model.release();
    }
    assert.equal(speculativeSpans(report.rounds, report.tokens).filter((s) => s.kind !== 'rejected').length, report.tokens);
  });

  it('a draft of another tokenizer is refused with a message naming its folder', async function () {
    this.timeout(60_000);
    const other = path.join(dir, 'other-tokenizer');
    fs.cpSync(path.join(dir, 'draft'), other, { recursive: true });
    fs.writeFileSync(path.join(other, 'tokenizer.json'), JSON.stringify({ model: { type: 'WordLevel', vocab: {} } }));
    await assert.rejects(speculativeInWorker({ draftFolder: other, targetFolder: path.join(dir, 'target'), prompt: 'a', maxNewTokens: 2, draftTokens: 2 }, { workerScript }), (e: Error) =>
      e.message.startsWith(other) && e.message.includes('tokenizer'),
    );
  });

  it('forgetting streams points for each replay ratio and ends with the curves', async function () {
    this.timeout(180_000);
    fs.writeFileSync(path.join(dir, 'old.txt'), 'The cat sat on the mat and looked at the little red ball. '.repeat(30));
    fs.writeFileSync(path.join(dir, 'new.txt'), 'ROMEO: What light through yonder window breaks? It is the east. '.repeat(30));
    const points: number[] = [];
    const job = startForgettingJob(
      {
        baseModel: path.join(dir, 'target'), newData: path.join(dir, 'new.txt'), replayData: path.join(dir, 'old.txt'), oldValidation: path.join(dir, 'old.txt'),
        replayRatios: [0, 0.5], steps: 4, batchSize: 2, contextLength: 32, learningRate: 1e-3, evalEvery: 2, validationBatches: 1, workDir: path.join(dir, 'forgetting'), threads: 1,
      },
      { workerScript, onForgetting: (e) => e.type === 'forgetting-point' && points.push(e.replayRatio) },
    );
    const { curves, cancelled } = await job.finished;
    assert.equal(cancelled, false);
    assert.deepEqual(curves.map((c) => [c.replayRatio, c.replayRows, c.points.map((p) => p.step)]), [[0, 0, [0, 2, 4]], [0.5, 1, [0, 2, 4]]]);
    assert.deepEqual(points, [0, 0, 0, 0.5, 0.5, 0.5]);
    assert.equal(curves[0].points[0].oldLoss, curves[1].points[0].oldLoss, 'both start from the same base weights');
  });
});
