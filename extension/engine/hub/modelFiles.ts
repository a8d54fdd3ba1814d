// Which files of a repository the engine needs to run it, and nothing more (a repository often
// holds the same weights four ways: PyTorch, safetensors, ONNX, GGUF):
//   always      config.json and tokenizer.json; generation_config.json, tokenizer_config.json
//               (chat template) and special_tokens_map.json where present;
//   GPT-2       model.safetensors: the engine rebuilds every graph from it, so every inspector works;
//   Llama, Mistral, Qwen2 without an ONNX export, or with one when the caller prefers safetensors
//               (the curated models): model.safetensors, or model.safetensors.index.json and its
//               shards: the engine builds every graph from them (in fp32), as for GPT-2;
//   otherwise   one ONNX decode graph in the layout transformers.js uses (onnx/model.onnx, or a
//               quantized variant such as onnx/model_int8.onnx) with its external-data files.
import * as path from 'node:path';
import { isLlamaModelType } from '../llama/configJson';
import { DECODE_GRAPH_NAMES } from '../modelFolder/readModelFolder';
import { HubError } from './hubError';
import type { RepoFile, RepoListing } from './repoFiles';

const TEXT_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'];

export type DecodeGraphName = (typeof DECODE_GRAPH_NAMES)[number];

export interface ModelFileChoice {
  readonly files: readonly RepoFile[];
  /** The weights chosen: "model.safetensors" or a decode graph's path. */
  readonly weights: string;
  /** What the weights hold per value, for the memory guard: the engine runs safetensors in fp32. */
  readonly dtype: 'fp32' | 'fp16' | 'int8' | 'int4';
}

/** The dtype of each decode graph variant, as transformers.js names them. */
const GRAPH_DTYPE: Record<DecodeGraphName, ModelFileChoice['dtype']> = {
  'model.onnx': 'fp32',
  'model_fp16.onnx': 'fp16',
  'model_quantized.onnx': 'int8',
  'model_int8.onnx': 'int8',
  'model_uint8.onnx': 'int8',
  'model_q4.onnx': 'int4',
  'model_bnb4.onnx': 'int4',
  'model_q4f16.onnx': 'int4',
};

export function chooseModelFiles(listing: RepoListing, modelType: string, preferredGraph?: DecodeGraphName, preferSafetensors = false): ModelFileChoice {
  const byPath = new Map(listing.files.map((file) => [file.path, file]));
  for (const required of ['config.json', 'tokenizer.json']) {
    if (!byPath.has(required)) throw new HubError(listing.repo, `has no ${required}; the engine needs it beside the weights`, { file: required });
  }
  const text = TEXT_FILES.flatMap((name) => byPath.get(name) ?? []);

  const safetensors = byPath.get('model.safetensors');
  if (modelType === 'gpt2' && safetensors) return { files: [...text, safetensors], weights: safetensors.path, dtype: 'fp32' };

  const llamaWeights = isLlamaModelType(modelType) ? llamaSafetensors(listing.files, byPath) : undefined;
  if (llamaWeights && preferSafetensors) return { files: [...text, ...llamaWeights], weights: llamaWeights[0].path, dtype: 'fp32' };

  const graphs = DECODE_GRAPH_NAMES.flatMap((name) => [`onnx/${name}`, name]).filter((name) => byPath.has(name));
  const preferred = preferredGraph && graphs.find((name) => path.posix.basename(name) === preferredGraph);
  const graph = preferred ?? graphs[0];
  if (!graph && llamaWeights) return { files: [...text, ...llamaWeights], weights: llamaWeights[0].path, dtype: 'fp32' };
  if (!graph) {
    const weights = listing.files.map((file) => file.path).filter((name) => /\.(safetensors|bin|onnx|gguf|pt|pth)$/.test(name));
    const held = weights.length ? `it holds ${weights.slice(0, 6).join(', ')}${weights.length > 6 ? ', …' : ''}` : 'it holds no weight files';
    const runs =
      modelType === 'gpt2' ? 'a GPT-2 needs model.safetensors (one file, not sharded) or an ONNX decode graph'
      : isLlamaModelType(modelType) ? `a "${modelType}" model needs model.safetensors (or model.safetensors.index.json with its shards) or an ONNX decode graph`
      : `a "${modelType}" model runs from an ONNX decode graph (onnx/model.onnx or a variant)`;
    throw new HubError(listing.repo, `no weights the engine can run: ${runs}, and ${held}`);
  }
  // ONNX keeps weights over 2 GB in external files named after the graph: model.onnx_data, model.onnx_data_1, …
  const externalData = listing.files.filter((file) => file.path.startsWith(`${graph}_data`));
  return { files: [...text, byPath.get(graph) as RepoFile, ...externalData], weights: graph, dtype: GRAPH_DTYPE[path.posix.basename(graph) as DecodeGraphName] };
}

/** model.safetensors, else the index and the shards named as transformers names them (model-00001-of-00002.safetensors). */
function llamaSafetensors(files: readonly RepoFile[], byPath: ReadonlyMap<string, RepoFile>): RepoFile[] | undefined {
  const single = byPath.get('model.safetensors');
  if (single) return [single];
  const index = byPath.get('model.safetensors.index.json');
  const shards = files.filter((file) => /^model-\d+-of-\d+\.safetensors$/.test(file.path));
  return index && shards.length > 0 ? [index, ...shards] : undefined;
}
