// Training off the main thread: events arrive, cancel stops the job cleanly, and a crash of the
// job (here the process killed outright, as a native crash would) is an error, not the host's end.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readTrainingState } from '../../extension/engine/train/checkpoint';
import { startTrainingJob } from '../../extension/engine/train/host';
import { defaultTrainOptions, type TrainOptions } from '../../extension/engine/train/options';
import type { TrainEvent } from '../../extension/engine/train/protocol';
import { byteTokenizerJson } from '../../extension/engine/train/byteTokenizer';
import { tsxWorkerScript } from './workerShim';


describe('training job (worker protocol)', () => {
  let dir: string;
  let workerScript: string;
  let options: TrainOptions;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'train-worker-'));
    workerScript = tsxWorkerScript(dir, 'trainWorker', 'extension/engine/train/worker.ts');
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(byteTokenizerJson()));
    fs.writeFileSync(path.join(dir, 'data.txt'), 'Once upon a time there was a small cat who liked to sleep in the sun.\n'.repeat(20));
    const model = { n_layer: 1, n_head: 2, n_embd: 16, n_positions: 16, vocab_size: 257, layer_norm_epsilon: 1e-5 };
    options = {
      ...defaultTrainOptions({ dataPath: path.join(dir, 'data.txt'), tokenizerPath: path.join(dir, 'tokenizer.json'), outDir: path.join(dir, 'out'), model }),
      steps: 20, batchSize: 2, evalEvery: 10, sampleEvery: 10, sampleTokens: 8, checkpointEvery: 0, threads: 1,
    };
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const isolation of ['process', 'thread'] as const) {
    it(`runs to done in a ${isolation} with progress, sample and checkpoint events`, async () => {
      const events: TrainEvent[] = [];
      const done = await startTrainingJob({ ...options, outDir: path.join(dir, isolation) }, { workerScript, isolation, onEvent: (e) => events.push(e) }).finished;
      assert.equal(done.step, 20);
      assert.equal(done.cancelled, false);
      const types = new Set(events.map((e) => e.type));
      for (const t of ['progress', 'sample', 'checkpoint', 'done']) assert.ok(types.has(t as TrainEvent['type']), `no ${t} event`);
      assert.equal(events.at(-1)?.type, 'done');
    });
  }

  it('a cancel sent with the start stops before the first step and saves step 0', async () => {
    const events: TrainEvent[] = [];
    const job = startTrainingJob({ ...options, steps: 1_000_000, outDir: path.join(dir, 'cancel-first') }, { workerScript, onEvent: (e) => events.push(e) });
    // Messages arrive in order: the worker has the cancel before its first step checks for one.
    job.cancel();
    const done = await job.finished;
    assert.equal(done.cancelled, true);
    assert.equal(done.step, 0);
    assert.deepEqual(events.filter((e) => e.type === 'progress'), []);
    assert.equal(readTrainingState(done.lastFolder).state.step, 0);
  });

  it('cancel mid-run stops after the current step, saves where it stopped and ends with done', async () => {
    const progressSteps: number[] = [];
    const job = startTrainingJob({ ...options, steps: 1_000_000, outDir: path.join(dir, 'cancel') }, {
      workerScript,
      onEvent: (e) => {
        if (e.type !== 'progress') return;
        if (progressSteps.length === 0) job.cancel();
        progressSteps.push(e.step);
      },
    });
    const done = await job.finished;
    assert.equal(done.cancelled, true);
    // The cancel travels to the worker while it trains on, so it stops at the step it reached then:
    // never before the step it was cancelled at, with no report past the step it stopped at.
    assert.ok(done.step >= progressSteps[0] && done.step < 1_000_000, `stopped at ${done.step}, cancelled at ${progressSteps[0]}`);
    assert.ok(progressSteps.every((s) => s <= done.step), `progress ${progressSteps} past the stop at ${done.step}`);
    assert.equal(readTrainingState(done.lastFolder).state.step, done.step);
  });

  it('a job killed mid-run (as by a native crash) is reported as an error; the host lives on', async () => {
    let killed = false;
    const job = startTrainingJob({ ...options, steps: 1_000_000, outDir: path.join(dir, 'crash') }, {
      workerScript,
      onEvent: (e) => {
        if (e.type === 'progress' && !killed && job.pid) {
          killed = true;
          process.kill(job.pid, 'SIGKILL');
        }
      },
    });
    await assert.rejects(job.finished, /killed by SIGKILL/);
  });

  it('bad options are an error event naming the problem (thread)', async () => {
    const job = startTrainingJob({ ...options, dataPath: path.join(dir, 'missing.txt') }, { workerScript, isolation: 'thread' });
    await assert.rejects(job.finished, /missing\.txt: no such file or folder/);
  });
});
