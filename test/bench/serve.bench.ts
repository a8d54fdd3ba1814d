// Tokens per second through the OpenAI-compatible server against direct generation, in the same
// run, on the bundled model. The server runs in its own process (engine/serve/serveWorker.ts,
// started by serve/serveProcess.ts as the extension and the CLI start it, with its V8 settings);
// clients stream completions over HTTP from this process, 1 at a time and 4 at once. Direct
// generation calls generate() on the same model folder in this process and decodes the text once
// at the end, as a program that wants the text would.
// Like with like: the same prompt, the same sampling (T = 1, no top-p), the same seeds, so the
// 1-client stream and direct generation produce the same tokens (checked every round); the
// clients read with node:http, whose cost per event is small, so the figure is the server's.
// Each figure is completion tokens divided by wall time, prefill included; one untimed run of
// each comes first, then the three take turns, round after round (a round times three completions
// per path: one alone lasts a quarter of a second, and single ones gave ratios from −4% to +17% in
// one run), and the figures are medians over the rounds (the overhead is the median of each
// round's own ratio). CPU milliseconds per
// token (from /proc, on Linux) are printed too: they move much less than tokens/s when other
// programs load the machine.

import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { generate } from '../../extension/engine/generate/generate';
import { openModelFolder } from '../../extension/engine/runtime/openModelFolder';
import { forkServeWorker } from '../../extension/engine/serve/serveProcess';
import type { ServeWorkerEvent, ServeWorkerRequest } from '../../extension/engine/serve/serveWorker';
import { loadTokenizerFile } from '../../extension/engine/tokenizer/loadTokenizerFile';
import { workerScript } from '../../extension/engine/workers/workerScript';
import { median, report, type Bench } from './bench';

const MODEL_DIR = path.resolve(__dirname, '../../models/tinystories-1m');
const PROMPT = 'Once upon a time, there was a little girl named Lily.';
const MAX_TOKENS = 128;
const ROUNDS = 15;
/** Completions per path in a round: one completion (~0.25 s) is too short to time on a shared machine. */
const PER_ROUND = 3;
const TOKEN = 'bench-token-0123456789';

interface Completion {
  readonly text: string;
  readonly tokens: number;
}

/** Streams one completion over node:http; returns its text (the events' deltas) and its token count (the last event's usage). */
function streamCompletion(url: URL, seed: number): Promise<Completion> {
  const body = JSON.stringify({ model: 'tinystories-1m', prompt: PROMPT, max_tokens: MAX_TOKENS, seed, stream: true, stream_options: { include_usage: true } });
  return new Promise((resolve, reject) => {
    const request = http.request(new URL('completions', url), { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } }, (response) => {
      let stream = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        stream += chunk;
      });
      response.on('end', () => {
        const events = stream.split('\n\n').filter((e) => e.startsWith('data: {')).map((e) => JSON.parse(e.slice(6)));
        const usage = events.at(-1)?.usage;
        if (!usage) return reject(new Error(`no usage in the stream: ${stream.slice(0, 200)}`));
        resolve({ text: events.map((e) => e.choices[0]?.text ?? '').join(''), tokens: usage.completion_tokens });
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** CPU time a process has used (user + system, all its threads), in ms; undefined where /proc is not there. */
function cpuMs(pid: number): number | undefined {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in ticks of 1/100 s (USER_HZ)
  } catch {
    return undefined;
  }
}

/** Runs `job`; returns what it returned, its tokens per second of wall time, and the CPU ms per token of each process in `pids`. */
async function measure<T extends { readonly tokens: number }>(job: () => Promise<T>, pids: readonly number[]) {
  const cpuBefore = pids.map(cpuMs);
  const start = performance.now();
  const result = await job();
  const seconds = (performance.now() - start) / 1000;
  const cpu = pids.map((pid, i) => ((cpuMs(pid) ?? Number.NaN) - (cpuBefore[i] ?? Number.NaN)) / result.tokens);
  return { result, tokensPerSecond: result.tokens / seconds, cpu };
}

type Measured = Awaited<ReturnType<typeof measure>>;

export const bench: Bench = {
  name: 'serve',
  description: `API server (own process, streaming over HTTP) vs direct generate(), bundled model, ${MAX_TOKENS} new tokens, T = 1, same seeds`,
  async run() {
    const child = forkServeWorker(workerScript('serveWorker', 'serve/serveWorker.ts'));
    try {
      const url = new URL(
        `${await new Promise<string>((resolve, reject) => {
          child.on('message', (m: ServeWorkerEvent) => (m.type === 'listening' ? resolve(m.url) : m.type === 'failed' && reject(new Error(m.message))));
          child.send({ type: 'start', dir: MODEL_DIR, port: 0, token: TOKEN, maxTokens: MAX_TOKENS } satisfies ServeWorkerRequest);
        })}/`,
      );
      const { folder, model } = await openModelFolder(MODEL_DIR);
      const tokenizer = await loadTokenizerFile(MODEL_DIR);
      const prompt = tokenizer.encodeIds(PROMPT, { addSpecialTokens: true });
      const direct = async (seed: number): Promise<Completion> => {
        const { tokens } = await generate(model, prompt, { sampler: { temperature: 1 }, maxNewTokens: MAX_TOKENS, seed, stopTokenIds: folder.generation.eosTokenIds });
        // Counted as the server's usage counts them: an end token that stopped the generation included.
        return { text: tokenizer.decode(tokens, { skipSpecialTokens: true }), tokens: tokens.length };
      };

      await direct(0);
      await streamCompletion(url, 0);
      const self = process.pid;
      const server = child.pid as number;
      const rounds: { direct: Measured; one: Measured; four: Measured }[] = [];
      // One round: PER_ROUND completions one after the other, the same seeds on both paths.
      const seeds = (round: number) => Array.from({ length: PER_ROUND }, (_, k) => round * PER_ROUND + k);
      const inTurn = async (run: (seed: number) => Promise<Completion>, round: number): Promise<Completion[]> => {
        const done: Completion[] = [];
        for (const seed of seeds(round)) done.push(await run(seed));
        return done;
      };
      const total = (completions: readonly Completion[]) => ({ completions, tokens: completions.reduce((sum, c) => sum + c.tokens, 0) });
      for (let round = 1; round <= ROUNDS; round++) {
        const directRun = await measure(async () => total(await inTurn(direct, round)), [self]);
        const oneRun = await measure(async () => total(await inTurn((seed) => streamCompletion(url, seed), round)), [server, self]);
        // Like with like: the same seed gives the same tokens directly and through the server.
        directRun.result.completions.forEach((a, k) => {
          const b = oneRun.result.completions[k];
          if (a.text !== b.text || a.tokens !== b.tokens) throw new Error(`round ${round}: the server and direct generation disagree (${a.tokens} vs ${b.tokens} tokens)`);
        });
        const four = async () => ({ tokens: (await Promise.all([0, 1, 2, 3].map((c) => streamCompletion(url, 10_000 + round * 4 + c)))).reduce((sum, c) => sum + c.tokens, 0) });
        rounds.push({ direct: directRun, one: oneRun, four: await measure(four, [server, self]) });
      }
      const medianOf = (pick: (r: (typeof rounds)[number]) => number) => median(rounds.map(pick));
      const directTps = medianOf((r) => r.direct.tokensPerSecond);
      const note = `median of ${ROUNDS} rounds of ${PER_ROUND} completions`;
      report('direct generate() in this process', directTps, 'tokens/s', note);
      report('server, 1 streaming client', medianOf((r) => r.one.tokensPerSecond), 'tokens/s', note);
      report('server, 4 streaming clients (all together)', medianOf((r) => r.four.tokensPerSecond), 'tokens/s', note);
      report('overhead, 1 client (1 − server / direct)', 100 * medianOf((r) => 1 - r.one.tokensPerSecond / r.direct.tokensPerSecond), '%', 'median of the rounds\' own ratios; the goal is under 10%');
      report('4 clients against direct', medianOf((r) => r.four.tokensPerSecond / r.direct.tokensPerSecond), '×', 'median of the rounds\' own ratios');
      if (cpuMs(server) !== undefined) {
        report('CPU per token: direct', medianOf((r) => r.direct.cpu[0]), 'ms', 'this process, every thread');
        report('CPU per token: server process, 1 client', medianOf((r) => r.one.cpu[0]), 'ms', 'sampled in ticks of 10 ms');
        report('CPU per token: the client reading the stream', medianOf((r) => r.one.cpu[1]), 'ms', 'node:http, this process');
        report('CPU per token: server process, 4 clients', medianOf((r) => r.four.cpu[0]), 'ms');
      }
      await model.release();
    } finally {
      child.kill();
    }
  },
};
