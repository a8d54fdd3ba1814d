// The API server's own process, bundled to dist/serveWorker.js and started by the extension
// (extension/serve/apiServerProcess.ts): the HTTP server and every generation it runs live here,
// never on the extension host's thread, and a crash here ends only this process.
//   host → worker: { type: 'start', dir, port, token, maxTokens, maxActive? }  then  { type: 'stop' }
//   worker → host: { type: 'listening', url, port, model } | { type: 'request', entry } | { type: 'failed', message }

import { openWorkerChannel } from '../workers/channel';
import { startApiServer, type RequestLogEntry, type RunningApiServer } from './apiServer';
import { DEFAULT_LIMITS } from './requestFields';
import { ServedModel } from './servedModel';

export type ServeWorkerRequest =
  | { readonly type: 'start'; readonly dir: string; readonly port: number; readonly token: string; readonly maxTokens: number; readonly maxActive?: number }
  | { readonly type: 'stop' };

export type ServeWorkerEvent =
  | { readonly type: 'listening'; readonly url: string; readonly port: number; readonly model: string }
  | { readonly type: 'request'; readonly entry: RequestLogEntry }
  | { readonly type: 'failed'; readonly message: string };

const channel = openWorkerChannel<ServeWorkerEvent>('serveWorker.js');
let running: { server: RunningApiServer; served: ServedModel } | undefined;

async function start(request: Extract<ServeWorkerRequest, { type: 'start' }>): Promise<void> {
  const served = await ServedModel.open(request.dir);
  try {
    const server = await startApiServer({
      served,
      port: request.port,
      token: request.token,
      maxActive: request.maxActive,
      limits: { ...DEFAULT_LIMITS, maxTokens: request.maxTokens },
      onRequest: (entry) => channel.send({ type: 'request', entry }),
    });
    running = { server, served };
    channel.send({ type: 'listening', url: server.url, port: server.port, model: served.id });
  } catch (error) {
    await served.release();
    const code = (error as NodeJS.ErrnoException).code;
    throw code === 'EADDRINUSE' ? new Error(`port ${request.port} on 127.0.0.1 is already in use`) : error;
  }
}

channel.onMessage((message) => {
  const request = message as ServeWorkerRequest;
  if (request?.type === 'start' && !running && typeof request.dir === 'string' && Number.isInteger(request.port) && typeof request.token === 'string' && Number.isInteger(request.maxTokens) && (request.maxActive === undefined || (Number.isInteger(request.maxActive) && request.maxActive > 0))) {
    start(request).catch((error: Error) => channel.send({ type: 'failed', message: error.message }));
  } else if (request?.type === 'stop') {
    const stopping = running;
    running = undefined;
    void (stopping ? stopping.server.close().then(() => stopping.served.release()) : Promise.resolve()).finally(() => process.exit(0));
  }
});
