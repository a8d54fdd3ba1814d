// A quick test, from file names alone, for folders worth offering as models: config.json and
// tokenizer.json with a decode graph or safetensors weights (one file or a sharded index) beside them. readModelFolder() does the real check.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DECODE_GRAPH_NAMES } from './readModelFolder';

export function looksLikeModelFolder(dir: string): boolean {
  const has = (relative: string) => fs.existsSync(path.join(dir, relative));
  if (!has('config.json') || !has('tokenizer.json')) return false;
  return has('model.safetensors') || has('model.safetensors.index.json') || DECODE_GRAPH_NAMES.some((name) => has(`onnx/${name}`) || has(name));
}
