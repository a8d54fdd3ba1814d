// The built-in tokenizer converter's entry point, bundled to dist/tokenizerWorker.js and run in a
// worker thread by builtinWorkerHost.ts: it converts the tokenizer named in workerData and posts
// back the tokenizer.json text, or the error's message.

import { parentPort, workerData } from 'node:worker_threads';
import { convertBuiltin } from './builtinConversion';
import { isBuiltinTokenizerName } from './builtins';

const name: unknown = (workerData as { name?: unknown } | null)?.name;
if (!parentPort) throw new Error('tokenizerWorker.js runs in a worker thread started by builtinWorkerHost.ts');
const port = parentPort;
if (typeof name !== 'string' || !isBuiltinTokenizerName(name)) {
  port.postMessage({ error: `not a built-in tokenizer: ${String(name)}` });
} else {
  convertBuiltin(name).then(
    (text) => port.postMessage({ text }),
    (error: Error) => port.postMessage({ error: error.message }),
  );
}
