// The weights of a Llama-family model in safetensors, under Hugging Face's names: one
// model.safetensors, or shards listed by model.safetensors.index.json ({"weight_map": {tensor: shard}}),
// in F32, F16 or BF16 (widened to float32 on reading). Checkpoints vary a little: some store the
// rotary inverse frequencies (a buffer, recomputed from config.json here), and some tied models
// repeat embed_tokens as lm_head.weight. Every tensor the graphs need is checked against config.json,
// and every problem names the folder (the repo id for a Hub snapshot) and the file.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TensorMap } from '../gpt/tensor';
import type { LlamaConfig } from '../llama/config';
import { dropPaddedRows, storedRowsConfig } from '../llama/paddedVocabulary';
import { LM_HEAD, llamaParameters } from '../llama/parameters';
import { ModelFolderError } from './folderError';
import { JsonFields, readJsonObject } from './jsonFile';
import { readSafetensors, readSafetensorsHeader } from './safetensors';

export const SAFETENSORS_FILE = 'model.safetensors';
export const SAFETENSORS_INDEX = 'model.safetensors.index.json';
const FLOAT_DTYPES = new Set(['F32', 'F16', 'BF16', 'F64']);

export interface WeightFile {
  readonly file: string;
  /** How messages name it: "<folder or repo>/<file>". */
  readonly shownAs: string;
}

/**
 * The safetensors files holding the weights: the index's shards when the folder has an index, else
 * model.safetensors; none when it has neither. `shownDir` names the folder in messages.
 */
export function llamaWeightFiles(dir: string, shownDir: string): WeightFile[] {
  const shown = (relative: string) => `${shownDir}/${relative}`;
  const index = path.join(dir, SAFETENSORS_INDEX);
  if (!fs.existsSync(index)) {
    const single = path.join(dir, SAFETENSORS_FILE);
    return fs.existsSync(single) ? [{ file: single, shownAs: shown(SAFETENSORS_FILE) }] : [];
  }
  const fields = new JsonFields(readJsonObject(index, shown(SAFETENSORS_INDEX)), shown(SAFETENSORS_INDEX));
  const weightMap = fields.json.weight_map;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) fields.fail('weight_map', 'is missing or not an object');
  const shards: string[] = [];
  for (const [tensor, shard] of Object.entries(weightMap as Record<string, unknown>)) {
    // A shard is a file beside the index: a path elsewhere is not followed.
    if (typeof shard !== 'string' || shard !== path.basename(shard) || shard === '..' || !shard.endsWith('.safetensors')) {
      return fields.fail('weight_map', `names ${JSON.stringify(shard)} for tensor ${tensor}, not a .safetensors file in the same folder`);
    }
    if (!shards.includes(shard)) shards.push(shard);
  }
  if (shards.length === 0) fields.fail('weight_map', 'lists no tensors');
  return shards.map((shard) => {
    const file = path.join(dir, shard);
    if (!fs.existsSync(file)) throw new ModelFolderError(shown(shard), `is missing: ${SAFETENSORS_INDEX} lists it as a shard, so the download is incomplete`);
    return { file, shownAs: shown(shard) };
  });
}

/** The canonical name of a stored tensor, or undefined for one the graphs do not use. */
function canonicalName(name: string, config: LlamaConfig): string | undefined {
  if (name.endsWith('.rotary_emb.inv_freq')) return undefined;
  if (name === LM_HEAD && config.tie_word_embeddings) return undefined;
  return name;
}

/** Checks names, dtypes and shapes from the headers alone, so a broken folder is reported before gigabytes are read. */
export function checkLlamaWeightFiles(files: readonly WeightFile[], config: LlamaConfig): void {
  const stored = new Map<string, { shape: readonly number[]; shownAs: string }>();
  for (const { file, shownAs } of files) {
    for (const entry of readSafetensorsHeader(file, shownAs).entries) {
      const name = canonicalName(entry.name, config);
      if (!name) continue;
      if (!FLOAT_DTYPES.has(entry.dtype)) throw new ModelFolderError(shownAs, `tensor ${name} is ${entry.dtype}; the engine converts F32, F16 and BF16 weights (a quantized checkpoint runs from its ONNX export instead)`);
      stored.set(name, { shape: entry.shape, shownAs });
    }
  }
  checkShapes(stored, config, files[0]?.shownAs ?? SAFETENSORS_FILE);
}

export function readLlamaWeights(files: readonly WeightFile[], config: LlamaConfig): TensorMap {
  const weights: TensorMap = new Map();
  const stored = new Map<string, { shape: readonly number[]; shownAs: string }>();
  for (const { file, shownAs } of files) {
    for (const [name, tensor] of readSafetensors(file, shownAs).tensors) {
      const canonical = canonicalName(name, config);
      if (!canonical) continue;
      weights.set(canonical, tensor);
      stored.set(canonical, { shape: tensor.dims, shownAs });
    }
  }
  checkShapes(stored, config, files[0]?.shownAs ?? SAFETENSORS_FILE);
  return dropPaddedRows(weights, config);
}

function checkShapes(stored: ReadonlyMap<string, { shape: readonly number[]; shownAs: string }>, config: LlamaConfig, shownAs: string): void {
  const expected = new Map(llamaParameters(storedRowsConfig(config)).map((spec) => [spec.name, spec.dims]));
  for (const [name, shape] of expected) {
    const actual = stored.get(name);
    if (!actual) throw new ModelFolderError(shownAs, `tensor ${name} is missing (config.json has num_hidden_layers ${config.num_hidden_layers}${name === LM_HEAD ? ' and tie_word_embeddings false' : ''})`);
    if (actual.shape.length !== shape.length || actual.shape.some((d, i) => d !== shape[i])) {
      throw new ModelFolderError(actual.shownAs, `tensor ${name} has shape [${actual.shape.join(', ')}] but config.json implies [${shape.join(', ')}]`);
    }
  }
  for (const [name, { shownAs: where }] of stored) {
    if (!expected.has(name)) throw new ModelFolderError(where, `tensor ${name} is not part of a ${config.model_type} with config.json's sizes (num_hidden_layers ${config.num_hidden_layers}, biases as config.json says)`);
  }
}
