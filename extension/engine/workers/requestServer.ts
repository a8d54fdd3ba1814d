// The worker side of limitedWorker.ts: answers the requests sent to this process, one at a time.
// A handler calls `begin()` when its untrusted part starts (after loading what it needs), which
// starts that request's time budget in the host.

import { openWorkerChannel } from './channel';

export interface WorkerRequest<Req> {
  readonly id: number;
  readonly request: Req;
}

export type WorkerReply =
  | { readonly id: number; readonly begin: true; readonly result?: undefined; readonly error?: undefined }
  | { readonly id: number; readonly begin?: undefined; readonly result: unknown; readonly error?: undefined }
  | { readonly id: number; readonly begin?: undefined; readonly result?: undefined; readonly error: { readonly name: string; readonly message: string } };

export type RequestHandler<Req> = (request: Req, begin: () => void) => unknown;

function isRequest<Req>(value: unknown): value is WorkerRequest<Req> {
  return typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'number' && 'request' in value;
}

export function serveRequests<Req>(script: string, handle: RequestHandler<Req>): void {
  const channel = openWorkerChannel<WorkerReply>(script);
  let queue: Promise<void> = Promise.resolve();
  channel.onMessage((message) => {
    if (!isRequest<Req>(message)) return;
    const { id, request } = message;
    queue = queue.then(async () => {
      try {
        const result = await handle(request, () => channel.send({ id, begin: true }));
        channel.send({ id, result });
      } catch (error) {
        const { name, message: text } = error as Error;
        channel.send({ id, error: { name: String(name), message: String(text) } });
      }
    });
  });
}
