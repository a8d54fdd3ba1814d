// Converts built-in tokenizers in a worker thread (builtinWorker.ts), so that the seconds it takes
// (o200k_base: several) never stall the thread that called it. One thread per conversion: each
// happens once, and the result is cached by builtins.ts.

import { Worker } from 'node:worker_threads';
import type { BuiltinConverter } from './builtins';

/** `script`: dist/tokenizerWorker.js in the extension. */
export function convertInWorkerThread(script: string): BuiltinConverter {
  return (name) =>
    new Promise<string>((resolve, reject) => {
      const worker = new Worker(script, { workerData: { name } });
      worker.once('message', (message: { text?: unknown; error?: unknown }) => {
        if (typeof message.text === 'string') resolve(message.text);
        else reject(new Error(`converting ${name}: ${String(message.error)}`));
        void worker.terminate();
      });
      worker.once('error', (error) => reject(new Error(`converting ${name}: ${error.message}`)));
      worker.once('exit', (code) => reject(new Error(`converting ${name}: the worker thread exited with code ${code}`)));
    });
}
