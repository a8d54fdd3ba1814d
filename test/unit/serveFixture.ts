// The API server on the bundled model, started on a free port for a test file, and small HTTP
// helpers that speak to it with Node's own fetch (no client library in between).

import * as path from 'node:path';
import { type RequestLogEntry, type RunningApiServer, startApiServer } from '../../extension/engine/serve/apiServer';
import { ServedModel } from '../../extension/engine/serve/servedModel';

export const MODEL_DIR = path.resolve(__dirname, '../../models/tinystories-1m');
export const MODEL_ID = 'tinystories-1m';
export const TOKEN = 'test-token-0123456789';

export interface ServeFixture {
  readonly served: ServedModel;
  readonly server: RunningApiServer;
  readonly log: RequestLogEntry[];
  post(endpoint: string, body: unknown, token?: string | null): Promise<Response>;
  close(): Promise<void>;
}

export async function startServeFixture(): Promise<ServeFixture> {
  const served = await ServedModel.open(MODEL_DIR);
  const log: RequestLogEntry[] = [];
  const server = await startApiServer({ served, port: 0, token: TOKEN, onRequest: (entry) => log.push(entry) });
  return {
    served,
    server,
    log,
    post: (endpoint, body, token = TOKEN) =>
      fetch(`${server.url}${endpoint}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    close: async () => {
      await server.close();
      await served.release();
    },
  };
}

/** The JSON events of a server-sent-event stream, up to "[DONE]" (which must end it). */
export async function sseEvents(response: Response): Promise<Array<Record<string, unknown>>> {
  const text = await response.text();
  const data = text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice('data: '.length));
  if (data.at(-1) !== '[DONE]') throw new Error(`the stream did not end with [DONE]: ${text.slice(-200)}`);
  return data.slice(0, -1).map((d) => JSON.parse(d));
}
