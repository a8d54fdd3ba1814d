// The scaling sweep off the caller's thread: started in the training worker's process, cancelled
// while its second size trains, it ends with results that keep the finished run.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSweepJob } from '../../extension/engine/train/host';
import type { TrainEvent } from '../../extension/engine/train/protocol';
import { readResults } from '../../extension/engine/scalingSweep/sweepResults';
import { tsxWorkerScript } from './workerShim';

const SAMPLE = path.join(__dirname, '..', '..', 'walkthroughs', 'training-sample', 'stories.txt');

describe('scaling sweep in the training worker', () => {
  it('reports each run and keeps the finished runs of a sweep cancelled halfway', async function () {
    this.timeout(300_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sweep-worker-'));
    const workerScript = tsxWorkerScript(dir, 'trainWorker', 'extension/engine/train/worker.ts');
    const data = path.join(dir, 'stories.txt');
    fs.writeFileSync(data, fs.readFileSync(SAMPLE, 'utf8').slice(0, 40_000));
    const outDir = path.join(dir, 'sweep');
    const events: TrainEvent[] = [];
    const job = startSweepJob(
      { options: { dataPath: data, outDir, budgetFlops: 1e9, tokensPerParameter: 2, widths: [8, 12, 16], contextLength: 16, batchSize: 4, threads: 1 } },
      {
        workerScript,
        onEvent: (e) => {
          events.push(e);
          if (e.type === 'sweep-run-started' && e.index === 1) job.cancel();
        },
      },
    );
    const results = await job.finished;
    assert.equal(results.cancelled, true);
    assert.deepEqual(results.runs.map((r) => r.name), ['L2-C8']);
    assert.deepEqual(results.not_run, ['L2-C12', 'L2-C16']);
    assert.ok(events.some((e) => e.type === 'sweep-train' && e.event.type === 'progress'), 'the current run’s progress reaches the host');
    assert.equal(events[0].type, 'sweep-planned');
    assert.deepEqual(readResults(outDir).runs, results.runs);
    fs.rmSync(dir, { recursive: true });
  });
});
