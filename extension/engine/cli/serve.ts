// `serve`: an OpenAI-compatible API for a model folder on 127.0.0.1 (see serve/apiServer.ts).
//   LLM_PIPELINE_API_TOKEN=... npm run cli -- serve --model models/tinystories-1m --port 8000
// Every request is logged to stderr, one line each (one JSON object each with --json).

import { parseArgs } from 'node:util';
import { startApiServer } from '../serve/apiServer';
import { DEFAULT_LIMITS } from '../serve/requestFields';
import { ServedModel } from '../serve/servedModel';
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

    const served = await ServedModel.open(values.model);
    const server = await startApiServer({
      served,
      port,
      token,
      maxActive,
      limits: { ...DEFAULT_LIMITS, maxTokens },
      onRequest: (entry) => {
        if (values.json) console.log(JSON.stringify({ type: 'request', ...entry }));
        else console.error(`${entry.method} ${entry.path} ${entry.status} ${entry.ms.toFixed(0)} ms${entry.completionTokens === undefined ? '' : ` ${entry.promptTokens}+${entry.completionTokens} tokens`}${entry.error ? ` (${entry.error})` : ''}`);
      },
    });
    if (values.json) console.log(JSON.stringify({ type: 'listening', url: server.url, port: server.port, model: served.id }));
    else console.error(`serving ${served.id} at ${server.url} (OpenAI-compatible; Ctrl+C stops)`);
    await new Promise<void>((resolve) => {
      const stop = () => void server.close().then(() => served.release()).then(resolve);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
};
