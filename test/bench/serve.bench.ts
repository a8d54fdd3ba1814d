// Tokens per second through the OpenAI-compatible server against direct generation, in the same
// run, on the bundled model. The server runs in its own process (engine/serve/serveWorker.ts, as
// the extension starts it); clients stream completions over HTTP from this process, 1 at a time
// and 4 at once. Direct generation calls generate() on the same model folder in this process with
// the same settings. Each figure is completion tokens (from `usage`, or the tokens generated)
// divided by wall time, prefill included; the three take turns, round after round, and the
// figures are medians over the rounds.

import { fork } from 'node:child_process';
import * as path from 'node:path';
import { generate } from '../../extension/engine/generate/generate';
import { openModelFolder } from '../../extension/engine/runtime/openModelFolder';
import type { ServeWorkerEvent, ServeWorkerRequest } from '../../extension/engine/serve/serveWorker';
import { loadTokenizerFile } from '../../extension/engine/tokenizer/loadTokenizerFile';
import { workerScript } from '../../extension/engine/workers/workerScript';
import { median, report, type Bench } from './bench';

const MODEL_DIR = path.resolve(__dirname, '../../models/tinystories-1m');
const PROMPT = 'Once upon a time, there was a little girl named Lily.';
const MAX_TOKENS = 128;
const ROUNDS = 5;
const TOKEN = 'bench-token-0123456789';

/** Streams one completion and returns the tokens generated (the last event's usage). */
async function streamCompletion(url: string, seed: number): Promise<number> {
  const response = await fetch(`${url}/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'tinystories-1m', prompt: PROMPT, max_tokens: MAX_TOKENS, seed, stream: true, stream_options: { include_usage: true } }),
  });
  const text = await response.text();
  const usage = text.split('\n\n').filter((e) => e.startsWith('data: {') && e.includes('"usage"')).at(-1);
  if (!usage) throw new Error(`no usage in the stream: ${text.slice(0, 200)}`);
  return (JSON.parse(usage.slice(6)) as { usage: { completion_tokens: number } }).usage.completion_tokens;
}

async function tokensPerSecond(run: () => Promise<number>): Promise<number> {
  const start = performance.now();
  const tokens = await run();
  return (tokens * 1000) / (performance.now() - start);
}

export const bench: Bench = {
  name: 'serve',
  description: `API server (own process, streaming over HTTP) vs direct generate(), bundled model, ${MAX_TOKENS} new tokens, T = 1`,
  async run() {
    const child = fork(workerScript('serveWorker', 'serve/serveWorker.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.on('message', (m: ServeWorkerEvent) => (m.type === 'listening' ? resolve(m.url) : m.type === 'failed' && reject(new Error(m.message))));
        child.send({ type: 'start', dir: MODEL_DIR, port: 0, token: TOKEN, maxTokens: MAX_TOKENS } satisfies ServeWorkerRequest);
      });
      const { folder, model } = await openModelFolder(MODEL_DIR);
      const tokenizer = await loadTokenizerFile(MODEL_DIR);
      const prompt = tokenizer.encodeIds(PROMPT, { addSpecialTokens: true });
      const direct = async (seed: number) =>
        (await generate(model, prompt, { sampler: { temperature: 1 }, maxNewTokens: MAX_TOKENS, seed, stopTokenIds: folder.generation.eosTokenIds, topN: 0 })).tokens.length;

      await direct(0);
      await streamCompletion(url, 0);
      const figures = { direct: [] as number[], one: [] as number[], four: [] as number[] };
      for (let round = 0; round < ROUNDS; round++) {
        figures.direct.push(await tokensPerSecond(() => direct(round)));
        figures.one.push(await tokensPerSecond(() => streamCompletion(url, round)));
        figures.four.push(await tokensPerSecond(async () => (await Promise.all([0, 1, 2, 3].map((c) => streamCompletion(url, round * 4 + c)))).reduce((a, b) => a + b, 0)));
      }
      const directTps = median(figures.direct);
      report('direct generate() in this process', directTps, 'tokens/s', `median of ${ROUNDS}`);
      report('server, 1 streaming client', median(figures.one), 'tokens/s', `${((1 - median(figures.one) / directTps) * 100).toFixed(1)}% below direct`);
      report('server, 4 streaming clients (all together)', median(figures.four), 'tokens/s', `${(median(figures.four) / directTps).toFixed(2)}× direct`);
      await model.release();
    } finally {
      child.kill();
    }
  },
};
