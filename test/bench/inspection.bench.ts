// Latency of the inspection graph (attention of every layer and head, residual streams, and
// optionally the logit lens) over 128 tokens: what the attention inspector waits for.

import * as os from 'node:os';
import { randomWeights } from '../../extension/engine/gpt/randomWeights';
import { openGPT2Inspector } from '../../extension/engine/runtime/inspection';
import { median, report, timeRepeats, type Bench } from './bench';
import { BENCH_CONFIG } from './generation.bench';

const TOKENS = 128;

export const bench: Bench = {
  name: 'inspection',
  description: `inspection graph over ${TOKENS} tokens, same model as the generation benchmark`,
  async run() {
    const weights = randomWeights(BENCH_CONFIG, 1);
    const tokens = Array.from({ length: TOKENS }, (_, i) => (i * 37) % BENCH_CONFIG.vocab_size);
    for (const logitLens of [false, true]) {
      const inspector = await openGPT2Inspector(BENCH_CONFIG, weights, { logitLens, threads: os.availableParallelism() });
      const ms = median(await timeRepeats(() => inspector.run(tokens), 15, 2));
      report(`${TOKENS} tokens, logit lens ${logitLens ? 'on' : 'off'}`, ms, 'ms', 'median latency');
      await inspector.release();
    }
  },
};
