// Training through the panel's path against the CLI, on the same config in the same run. The
// panel's path is the extension's: the bundled worker (dist/trainWorker.js) in a child process,
// every event folded into the run's view (RunViewBuilder) and the view serialized as the panel
// posts it, at most every 250 ms. The CLI's is `node dist/cli.js train --json`, which runs
// train() in its own process and prints each event. Both are timed from the `started` event
// (graphs built, data tokenized) to `done`, so process start-up is left out of both.
// Needs `npm run build` first.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startTrainingJob } from '../../extension/engine/train/host';
import type { TrainEvent } from '../../extension/engine/train/protocol';
import { optionsFromArgs } from '../../extension/engine/cli/train';
import { RunViewBuilder } from '../../extension/train/runView';
import { repoRoot } from '../harness/paths';
import { median, report, type Bench } from './bench';

const STEPS = 120;
const ROUNDS = 3;
const VIEW_INTERVAL_MS = 250;

function args(data: string, out: string): string[] {
  return ['--data', data, '--out', out, '--tokenizer', path.join(repoRoot, 'models', 'tinystories-1m'), '--preset', 'tiny',
    '--steps', String(STEPS), '--batch', '16', '--context', '128', '--warmup', '20', '--eval-every', '20', '--sample-every', '50',
    '--checkpoint-every', '50', '--prompt', 'Once upon a time'];
}

/** Seconds from `started` to `done`, in the CLI. */
function cliRun(data: string, out: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'train', ...args(data, out), '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let started = 0;
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const event = JSON.parse(buffer.slice(0, nl)) as TrainEvent;
        buffer = buffer.slice(nl + 1);
        if (event.type === 'started') started = performance.now();
        if (event.type === 'done') resolve((performance.now() - started) / 1000);
      }
    });
    child.on('exit', (code) => code === 0 || reject(new Error(`the CLI exited with ${code}`)));
  });
}

/** Seconds from `started` to `done`, through the extension's worker and the panel's view updates. */
async function panelRun(data: string, out: string): Promise<number> {
  const options = await optionsFromArgs(Object.fromEntries(chunkPairs(args(data, out))));
  const builder = new RunViewBuilder(out, 'bench', options, 'starting');
  let started = 0;
  let timer: NodeJS.Timeout | undefined;
  let posted = 0;
  const post = () => {
    timer = undefined;
    posted += JSON.stringify(builder.view()).length;
  };
  const job = startTrainingJob(options, {
    workerScript: path.join(repoRoot, 'dist', 'trainWorker.js'),
    onEvent: (event) => {
      if (event.type === 'started') started = performance.now();
      builder.apply(event);
      timer ??= setTimeout(post, VIEW_INTERVAL_MS);
    },
  });
  await job.finished;
  const seconds = (performance.now() - started) / 1000;
  clearTimeout(timer);
  if (posted === 0) throw new Error('the panel path posted no view');
  return seconds;
}

/** ['--steps', '120', ...] → [['steps', '120'], ...]. */
function chunkPairs(list: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i < list.length; i += 2) pairs.push([list[i].slice(2), list[i + 1]]);
  return pairs;
}

export const bench: Bench = {
  name: 'training-panel',
  description: `training tokens/s through the panel's path (worker process + view updates) against the CLI, tiny preset, ${STEPS} steps of 16 × 128 tokens, ${ROUNDS} rounds alternating`,
  async run() {
    for (const file of ['cli.js', 'trainWorker.js']) {
      if (!fs.existsSync(path.join(repoRoot, 'dist', file))) throw new Error(`dist/${file} is missing: run npm run build first`);
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-training-panel-'));
    const data = path.join(repoRoot, 'walkthroughs', 'training-sample', 'stories.txt');
    const tokens = STEPS * 16 * 128;
    const cli: number[] = [];
    const panel: number[] = [];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        cli.push(tokens / (await cliRun(data, path.join(dir, `cli-${round}`))));
        panel.push(tokens / (await panelRun(data, path.join(dir, `panel-${round}`))));
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    report('CLI (train() in its process)', median(cli), 'tokens/s', `median of ${ROUNDS}: ${cli.map((v) => v.toFixed(0)).join(', ')}`);
    report("panel's path (worker + view updates)", median(panel), 'tokens/s', `median of ${ROUNDS}: ${panel.map((v) => v.toFixed(0)).join(', ')}`);
    report('ratio panel / CLI (goal ≥ 0.95)', median(panel) / median(cli), '×');
  },
};
