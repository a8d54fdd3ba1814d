// The training job's entry point, bundled to dist/trainWorker.js. It runs in a worker thread
// (worker_threads) or in a child process (child_process.fork), whichever the host chose, and
// speaks the same messages (protocol.ts) over either channel: `start` runs train(), `cancel`
// aborts it, and every event goes back to the host.

import { parentPort } from 'node:worker_threads';
import { isHostToWorker, type TrainEvent } from './protocol';
import { train } from './trainer';

interface Channel {
  send(event: TrainEvent): void;
  onMessage(listener: (message: unknown) => void): void;
  close(): void;
}

function openChannel(): Channel {
  const port = parentPort;
  if (port) return { send: (e) => port.postMessage(e), onMessage: (l) => port.on('message', l), close: () => port.close() };
  if (process.send) {
    return {
      send: (e) => process.send?.(e),
      onMessage: (l) => process.on('message', l),
      close: () => process.disconnect?.(),
    };
  }
  throw new Error('trainWorker.js must be started by the training host (as a worker thread or a forked process)');
}

const channel = openChannel();
const controller = new AbortController();
let started = false;

channel.onMessage((message) => {
  if (!isHostToWorker(message)) return;
  if (message.type === 'cancel') {
    controller.abort();
    return;
  }
  if (started) return;
  started = true;
  train(message.options, { signal: controller.signal, onEvent: (event) => channel.send(event) })
    .catch((error: Error) => channel.send({ type: 'error', message: error.message }))
    .finally(() => channel.close());
});
