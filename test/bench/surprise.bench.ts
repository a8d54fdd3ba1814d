// "Show Surprise" on a 100 KB text as the extension runs it: the bundled model scoring every token
// in the eval process (windows of the context length starting every half window), while this
// thread, standing in for the extension host, receives the progress and the report. Figures:
// tokens scored per second, and this thread's longest event-loop stall meanwhile (the goal is
// under 50 ms: the host must stay responsive while a file is scored), beside the longest stall of
// the same thread left idle, which is what the machine's load alone causes.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { EvalWorkerHost } from '../../extension/engine/eval/evalWorkerHost';
import { bundledModelFolder } from '../../extension/model/bundledModel';
import { workerScript } from '../../extension/engine/workers/workerScript';
import { longestStall, report, type Bench } from './bench';

const BYTES = 100 * 1024;

export const bench: Bench = {
  name: 'surprise',
  description: `Show Surprise on ${BYTES / 1024} KB of TinyStories in the eval process: tokens/s and the host thread's longest stall`,
  async run() {
    const repo = path.resolve(__dirname, '..', '..');
    const model = bundledModelFolder(repo);
    if (!model) throw new Error('the surprise benchmark needs the bundled model under models/');
    const stories = fs.readFileSync(path.join(repo, 'walkthroughs', 'training-sample', 'stories.txt'), 'utf8');
    let text = stories;
    while (Buffer.byteLength(text) < BYTES) text += stories;
    text = Buffer.from(text).subarray(0, BYTES).toString('utf8').replace(/\uFFFD$/, '');
    const host = new EvalWorkerHost(workerScript('evalWorker', 'eval/evalWorker.ts'));
    try {
      // The model opens once in the process and stays for the next job: open it before timing.
      await host.surprise(model, 'Once upon a time.');
      const began = performance.now();
      const { result, stallMs } = await longestStall(() => host.surprise(model, text));
      const seconds = (performance.now() - began) / 1000;
      const tokens = result.report.length;
      console.log(`  text: ${Buffer.byteLength(text).toLocaleString()} bytes, ${tokens.toLocaleString()} tokens; windows of ${result.report.packed.window} starting every ${result.report.packed.stride}`);
      report('tokens scored per second', tokens / seconds, 'tokens/s', `${seconds.toFixed(1)} s in all, report included`);
      report("this thread's longest stall while scoring", stallMs, 'ms', 'goal < 50 ms');
      // The peer: the same thread doing nothing for 10 s. On a loaded machine the scheduler alone stalls it.
      const idle = await longestStall(() => new Promise((resolve) => setTimeout(resolve, 10_000)));
      report("this thread's longest stall while idle for 10 s", idle.stallMs, 'ms', 'the machine\'s own noise');
      report('perplexity of the text', result.report.packed.evaluation.perplexity, '', `${result.report.packed.evaluation.bitsPerByte.toFixed(3)} bits/byte`);
    } finally {
      host.dispose();
    }
  },
};
