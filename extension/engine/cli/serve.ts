// `serve`: an OpenAI-compatible API for a model folder on 127.0.0.1 (see serve/apiServer.ts).
//   LLM_PIPELINE_API_TOKEN=... npm run cli -- serve --model models/tinystories-1m --port 8000
// The server runs in its own process, started as the extension starts it (serve/serveProcess.ts).
// Every request is logged to stderr, one line each (one JSON object each with --json).

import { parseArgs } from 'node:util';
import type { RequestLogEntry } from '../serve/apiServer';
import { forkServeWorker } from '../serve/serveProcess';
import type { ServeWorkerEvent, ServeWorkerRequest } from '../serve/serveWorker';
import { DEFAULT_LIMITS } from '../serve/requestFields';
import { workerScript } from '../workers/workerScript';
import type { CliCommand } from './main';

const USAGE = `usage: npm run cli -- serve --model <folder> [--port N] [--token T] [options]
  --model DIR        the model folder to serve (Hugging Face ONNX layout)
  --port N           port on 127.0.0.1 (default 8000; 0 picks a free one)
  --token T          the bearer token clients must send (or LLM_PIPELINE_API_TOKEN); at least 8 characters
  --max-tokens N     the largest max_tokens a request may ask for (default ${DEFAULT_LIMITS.maxTokens})
  --concurrent N     generations in progress at once, the rest wait in order (default 4)
  --json             print the address and each request as one JSON object per line`;

export const serveCommand: CliCommand = {
  summary: 'serve a model folder through an OpenAI-compatible HTTP API on 127.0.0.1',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        model: { type: 'string' },
        port: { type: 'string', default: '8000' },
        token: { type: 'string' },
        'max-tokens': { type: 'string', default: String(DEFAULT_LIMITS.maxTokens) },
        concurrent: { type: 'string', default: '4' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help || !values.model) {
      console.log(USAGE);
      if (!values.help) process.exitCode = 2;
      return;
    }
    const whole = (name: 'port' | 'max-tokens' | 'concurrent', min: number, max: number): number => {
      const value = Number(values[name]);
      if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}, got "${values[name]}"`);
      return value;
    };
    const port = whole('port', 0, 65535);
    const maxTokens = whole('max-tokens', 1, 65536);
    const maxActive = whole('concurrent', 1, 64);
    const token = values.token ?? process.env.LLM_PIPELINE_API_TOKEN;
    if (!token) throw new Error('give the API token with --token or the LLM_PIPELINE_API_TOKEN environment variable');

    const json = values.json;
    const child = forkServeWorker(workerScript('serveWorker', 'serve/serveWorker.ts'));
    const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ? `was killed by ${signal}` : `exited with code ${code}`)));
    let stopping = false;
    let failure: string | undefined;
    const stop = () => {
      stopping = true;
      if (child.connected) child.send({ type: 'stop' } satisfies ServeWorkerRequest);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    child.on('message', (event: ServeWorkerEvent) => {
      if (event.type === 'listening') {
        if (json) console.log(JSON.stringify(event));
        else console.error(`serving ${event.model} at ${event.url} (OpenAI-compatible; Ctrl+C stops)`);
      } else if (event.type === 'request') {
        logRequest(event.entry, json);
      } else if (event.type === 'failed') {
        failure = event.message;
        child.kill();
      }
    });
    child.send({ type: 'start', dir: values.model, port, token, maxTokens, maxActive } satisfies ServeWorkerRequest);
    const ended = await exited;
    if (failure !== undefined) throw new Error(failure);
    if (!stopping) throw new Error(`the server's process ${ended}`);
  },
};

function logRequest(entry: RequestLogEntry, json: boolean): void {
  if (json) console.log(JSON.stringify({ type: 'request', ...entry }));
  else console.error(`${entry.method} ${entry.path} ${entry.status} ${entry.ms.toFixed(0)} ms${entry.completionTokens === undefined ? '' : ` ${entry.promptTokens}+${entry.completionTokens} tokens`}${entry.error ? ` (${entry.error})` : ''}`);
}
