// The worker side of a job's message channel. A job script runs either in a worker thread
// (worker_threads) or in a child process (child_process.fork), whichever its host chose, and
// speaks the same messages over either.

import { parentPort } from 'node:worker_threads';

export interface WorkerChannel<Out> {
  send(message: Out): void;
  onMessage(listener: (message: unknown) => void): void;
  close(): void;
}

export function openWorkerChannel<Out>(script: string): WorkerChannel<Out> {
  const port = parentPort;
  if (port) return { send: (m) => port.postMessage(m), onMessage: (l) => port.on('message', l), close: () => port.close() };
  if (process.send) {
    // The host closed the channel, or died without a word: nobody is left to report to.
    process.once('disconnect', () => process.exit(0));
    return {
      send: (m) => process.send?.(m),
      onMessage: (l) => process.on('message', l),
      close: () => process.disconnect?.(),
    };
  }
  throw new Error(`${script} must be started by its host (as a worker thread or a forked process)`);
}
