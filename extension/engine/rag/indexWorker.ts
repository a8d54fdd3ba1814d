// The index worker's entry point, bundled to dist/ragWorker.js and started by indexWorkerHost.ts.
// Jobs run one after another (they share one tokenizer and embedder, and the indexes held in
// memory, so a query never sees an index half updated); `cancel` aborts a running or
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
  switch (request.type) {
    case 'indexFile':
      return { type: 'file', id: request.id, result: await jobs.indexFile(request.root, request.file, request.parts, signal) };
    case 'update':
      return { type: 'updated', id: request.id, update: await jobs.update(request.root, request.store, request.file, request.parts, signal) };
    case 'search':
      return { type: 'searched', id: request.id, ...(await jobs.held.search(request.store, request.query, request.vector, request.limit, request.answer)) };
    case 'chunks': {
      const { store, file, chunkId } = request;
      const chunks = file !== undefined ? await jobs.held.chunksOf(store, file) : [await jobs.held.chunk(store, chunkId ?? '')].flatMap((c) => c ?? []);
      return { type: 'chunks', id: request.id, chunks };
    }
    case 'forget':
      jobs.held.forget(request.store);
      return { type: 'forgotten', id: request.id };
  }
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
