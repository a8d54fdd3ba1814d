// A GPT-2 or Llama-family folder that ships only its weights (safetensors) made whole: a copy of the folder's
// files plus onnx/model.onnx, the decode graph built from those weights (gpt/ or llama/decodeModel.ts), in a
// folder this program owns. The extension ships the bundled model this way, once, and builds the
// graph on first use (extension/model/bundledModel.ts); `npm run cli -- build-graph` does the same.
//
// The folder appears whole or not at all: it is written under a temporary name beside the target,
// flushed, then renamed onto it (rename is atomic within one file system). Two windows building at
// once both finish; the second rename finds the target there and its copy is discarded.

import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildDecodeModel } from '../gpt/decodeModel';
import { fsyncDirectory, writeFileAtomic } from './atomicWrite';
import { ModelFolderError } from './folderError';
import { readGPT2Weights } from './gpt2Weights';
import { BUILT_GRAPH, isCompleteGraphFolder } from './graphFolderCheck';
import { readLlamaWeights } from './llamaWeights';
import { readModelFolder, type ModelFolder } from './readModelFolder';
import { buildLlamaDecodeModel } from '../llama/decodeModel';

export interface GraphFolderRequest {
  readonly type: 'build';
  /** The GPT-2 folder with config.json and model.safetensors (never written). */
  readonly source: string;
  /** The folder to create; left as it is when it is already complete. */
  readonly target: string;
}

export interface GraphFolderResult {
  readonly dir: string;
  /** False when the target was already complete (built before, or by another window just now). */
  readonly built: boolean;
}

export function isGraphFolderRequest(value: unknown): value is GraphFolderRequest {
  const m = value as Partial<GraphFolderRequest> | null;
  return typeof m === 'object' && m !== null && m.type === 'build' && typeof m.source === 'string' && typeof m.target === 'string';
}

export function buildGraphFolder(source: string, target: string): GraphFolderResult {
  const dir = path.resolve(target);
  if (isCompleteGraphFolder(dir)) return { dir, built: false };
  const folder = readModelFolder(source);
  // Everything that can fail on bad input happens before the first byte is written.
  const graph = decodeGraphOf(folder);

  const parent = path.dirname(dir);
  fs.mkdirSync(parent, { recursive: true });
  const partial = `${dir}.${process.pid}.${randomBytes(6).toString('hex')}.partial`;
  try {
    fs.mkdirSync(partial);
    // The folder's own files (config, tokenizer, weights, model card); its onnx/ folder is not copied.
    for (const entry of fs.readdirSync(folder.dir, { withFileTypes: true })) {
      if (entry.isFile()) writeFileAtomic(path.join(partial, entry.name), fs.readFileSync(path.join(folder.dir, entry.name)));
    }
    writeFileAtomic(path.join(partial, ...BUILT_GRAPH.split('/')), graph);
    fs.renameSync(partial, dir);
  } catch (error) {
    fs.rmSync(partial, { recursive: true, force: true });
    // Another process renamed its complete copy onto the target first: that one is as good.
    if (isCompleteGraphFolder(dir)) return { dir, built: false };
    throw error;
  }
  fsyncDirectory(parent);
  return { dir, built: true };
}

function decodeGraphOf(folder: ModelFolder): Uint8Array {
  if (folder.gpt2 && folder.safetensorsFile) return buildDecodeModel(folder.gpt2.gpt, readGPT2Weights(folder.safetensorsFile, folder.gpt2.gpt));
  if (folder.llama && folder.llamaWeights) return buildLlamaDecodeModel(folder.llama, readLlamaWeights(folder.llamaWeights, folder.llama));
  throw new ModelFolderError(
    folder.dir,
    `has no weights the engine builds a graph from (model_type "${String(folder.configJson.model_type)}"): ${BUILT_GRAPH} is built from a GPT-2's model.safetensors or a Llama, Mistral or Qwen2's safetensors`,
  );
}
