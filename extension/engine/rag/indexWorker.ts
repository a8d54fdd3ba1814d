// The index worker's entry point, bundled to dist/ragWorker.js and started by indexWorkerHost.ts.
// Jobs run one after another (they share one tokenizer and embedder); `cancel` aborts a running or
// queued job, which then answers `failed` with the name AbortError.

import { openWorkerChannel } from '../workers/channel';
import { IndexJobs, isIndexRequest, type IndexReply, type IndexRequest } from './indexJobs';

const channel = openWorkerChannel<IndexReply>('ragWorker.js');
const jobs = new IndexJobs();
const controllers = new Map<number, AbortController>();
let queue: Promise<void> = Promise.resolve();

async function run(request: Exclude<IndexRequest, { type: 'cancel' }>, signal: AbortSignal): Promise<IndexReply> {
  signal.throwIfAborted();
  if (request.type === 'build') {
    const onProgress = (progress: { done: number; total: number; file: string }) => channel.send({ type: 'progress', id: request.id, progress });
    return { type: 'built', id: request.id, built: await jobs.build(request.root, request.store, request.parts, { signal, onProgress }) };
  }
  return { type: 'file', id: request.id, result: await jobs.indexFile(request.root, request.file, request.parts, signal) };
}

channel.onMessage((message) => {
  if (!isIndexRequest(message)) return;
  if (message.type === 'cancel') {
    controllers.get(message.id)?.abort();
    return;
  }
  const controller = new AbortController();
  controllers.set(message.id, controller);
  queue = queue.then(async () => {
    try {
      channel.send(await run(message, controller.signal));
    } catch (error) {
      const { name, message: text } = error as Error;
      channel.send({ type: 'failed', id: message.id, name, message: text });
    } finally {
      controllers.delete(message.id);
    }
  });
});
