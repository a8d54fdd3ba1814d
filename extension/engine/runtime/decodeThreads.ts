// How many threads one operator gets when a model decodes. Splitting an operator across threads
// pays when its matrices are large; for a small model each step's MatMuls take microseconds and
// the threads spend the step waiting for each other, while the editor (and an API server's
// clients) want the same cores. Measured on the bundled model's shape (5 MB of weights, two cores):
// - `npm run bench -- generation` (load 1.3): one thread against two gave 1.43 against 1.68 ms per
//   token for the greedy loop and 2.14 against 2.55 through generate(); transformers.js on the same
//   graph also gained (1.77 against 2.15).
// - `npm run bench -- serve` (idle): with two threads the server process spent 2.95 and 3.23 ms of
//   CPU per token against 2.34 and 2.45 for direct generate() in the same runs; with one thread it
//   spent less CPU per token than direct generate().
// A model with more weights than SMALL_MODEL_BYTES gets every core.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ModelFolder } from '../modelFolder/readModelFolder';

export const SMALL_MODEL_BYTES = 64 * 2 ** 20;

/** The weight files a decode session reads: the decode graph (with its external data) or the safetensors. */
function weightBytes(folder: ModelFolder): number {
  const size = (file: string) => (fs.existsSync(file) ? fs.statSync(file).size : 0);
  const graph = folder.onnxFiles[0];
  if (graph) return size(path.join(folder.dir, graph)) + size(path.join(folder.dir, `${graph}_data`));
  if (folder.llamaWeights) return folder.llamaWeights.reduce((sum, w) => sum + size(w.file), 0);
  return folder.safetensorsFile ? size(folder.safetensorsFile) : Number.POSITIVE_INFINITY;
}

export function decodeThreads(folder: ModelFolder): number {
  return weightBytes(folder) <= SMALL_MODEL_BYTES ? 1 : os.availableParallelism();
}
