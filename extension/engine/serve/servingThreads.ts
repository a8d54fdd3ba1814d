// How many threads one operator gets in the server process. Splitting an operator across threads
// pays when its matrices are large; for a small model each step's MatMuls take microseconds and
// the threads spend the step waiting for each other, while the clients and (in the extension) the
// editor want the same cores. Measured with `npm run bench -- serve` on the bundled model (5 MB of
// weights, two cores, idle): with two threads the server process spent 2.95 and 3.23 ms of CPU per
// token against 2.34 and 2.45 for direct generate() in the same runs, and served 7.5–13.7% fewer
// tokens/s (three runs); with one thread it spent less CPU per token than direct generate() and
// served 3.3–9.9% fewer (six runs, median 5.4%). A model with more weights than SMALL_MODEL_BYTES
// gets every core, as generate() does.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ModelFolder } from '../modelFolder/readModelFolder';

export const SMALL_MODEL_BYTES = 64 * 2 ** 20;

/** The weight files the server will read: the decode graph (with its external data) or the safetensors. */
function weightBytes(folder: ModelFolder): number {
  const size = (file: string) => (fs.existsSync(file) ? fs.statSync(file).size : 0);
  const graph = folder.onnxFiles[0];
  if (graph) return size(path.join(folder.dir, graph)) + size(path.join(folder.dir, `${graph}_data`));
  if (folder.llamaWeights) return folder.llamaWeights.reduce((sum, w) => sum + size(w.file), 0);
  return folder.safetensorsFile ? size(folder.safetensorsFile) : Number.POSITIVE_INFINITY;
}

export function servingThreads(folder: ModelFolder): number {
  return weightBytes(folder) <= SMALL_MODEL_BYTES ? 1 : os.availableParallelism();
}
