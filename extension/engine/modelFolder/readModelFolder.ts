// Describes what a model folder in the Hugging Face layout holds, without loading the model:
// our GPT-2 or a Llama-family model (Llama, Mistral, Qwen2) whose graphs are built from its
// safetensors weights, so every inspector works, or a foreign causal language model that runs
// from its ONNX decode graph.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoIdOfSnapshot } from '../hub/hubLocation';
import { parseCausalLMConfig, type CausalLMConfig } from './causalLMConfig';
import { ModelFolderError } from './folderError';
import { readGenerationConfig, type GenerationConfig } from './generationConfig';
import { parseGPT2Config, type GPT2FolderConfig } from './gpt2Config';
import { checkGPT2WeightsFile } from './gpt2Weights';
import { readJsonObject, type JsonObject } from './jsonFile';
import type { LlamaConfig } from '../llama/config';
import { isLlamaModelType, LLAMA_MODEL_TYPES, parseLlamaConfig } from '../llama/configJson';
import { checkLlamaWeightFiles, llamaWeightFiles, type WeightFile } from './llamaWeights';
import { builtGraphTooLarge } from '../llama/graphSize';
import { storedRowsConfig, withoutPaddedRows } from '../llama/paddedVocabulary';
import { checkTokenizerFitsVocabulary, readChatTemplate, tokenizerIdLimit } from './tokenizerFiles';

/**
 * Decode graphs by the names transformers.js and Optimum give them, in the order the runtime
 * prefers: full precision first, then the quantized variants.
 */
export const DECODE_GRAPH_NAMES = [
  'model.onnx',
  'model_quantized.onnx',
  'model_int8.onnx',
  'model_uint8.onnx',
  'model_q4.onnx',
  'model_bnb4.onnx',
  'model_fp16.onnx',
  'model_q4f16.onnx',
] as const;

export interface ModelFolder {
  readonly dir: string;
  /** The folder's name, shown to the user; "org/name" for a snapshot in the Hugging Face cache. */
  readonly name: string;
  /**
   * 'gpt2': config.json is our GPT-2 and model.safetensors holds its weights; 'llama': a Llama,
   * Mistral or Qwen2 with safetensors weights; 'foreign': a decode graph only.
   */
  readonly kind: 'gpt2' | 'llama' | 'foreign';
  readonly config: CausalLMConfig;
  readonly configJson: JsonObject;
  /** Present when kind is 'gpt2'. */
  readonly gpt2?: GPT2FolderConfig;
  /** Present when kind is 'llama'. */
  readonly llama?: LlamaConfig;
  /** The safetensors files holding a Llama-family model's weights (one, or the index's shards). */
  readonly llamaWeights?: readonly WeightFile[];
  /** Absolute path of model.safetensors, when the folder has one. */
  readonly safetensorsFile?: string;
  /** Folder-relative paths of the decode graphs present, in DECODE_GRAPH_NAMES order ("onnx/model.onnx"). */
  readonly onnxFiles: readonly string[];
  readonly tokenizerJsonFile: string;
  readonly tokenizerJson: JsonObject;
  readonly tokenizerConfig: JsonObject;
  readonly generation: GenerationConfig;
  readonly chatTemplate?: string;
}

export function readModelFolder(dir: string): ModelFolder {
  const root = path.resolve(dir);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new ModelFolderError(dir, 'is not a folder');
  const file = (relative: string): string => path.join(root, relative);

  const configJson = readJsonObject(file('config.json'), 'config.json');
  const config = parseCausalLMConfig(configJson);
  const safetensorsFile = fs.existsSync(file('model.safetensors')) ? file('model.safetensors') : undefined;
  let gpt2: GPT2FolderConfig | undefined;
  if (config.modelType === 'gpt2' && safetensorsFile) {
    gpt2 = parseGPT2Config(configJson);
    checkGPT2WeightsFile(safetensorsFile, gpt2.gpt);
  }

  const name = repoIdOfSnapshot(root) ?? path.basename(root);
  const onnxFiles = DECODE_GRAPH_NAMES.flatMap((graph) => [`onnx/${graph}`, graph]).filter((relative) => fs.existsSync(file(relative)));
  const tokenizerJson = readJsonObject(file('tokenizer.json'), 'tokenizer.json');
  const llama = readLlama(root, name, configJson, config, onnxFiles.length > 0, tokenizerIdLimit(tokenizerJson));
  if (!gpt2 && !llama && onnxFiles.length === 0) {
    const problem =
      config.modelType === 'gpt2' ? 'has neither model.safetensors nor a decode graph'
      : isLlamaModelType(config.modelType) ? 'has neither model.safetensors (or model.safetensors.index.json) nor a decode graph'
      : `has no decode graph, and its model_type "${config.modelType}" is not one the engine builds from safetensors (${['gpt2', ...LLAMA_MODEL_TYPES].join(', ')})`;
    throw new ModelFolderError(dir, `${problem} (looked for onnx/${DECODE_GRAPH_NAMES.join(', onnx/')})`);
  }

  if (config.vocabSize !== undefined) checkTokenizerFitsVocabulary(tokenizerJson, config.vocabSize);
  const tokenizerConfig = fs.existsSync(file('tokenizer_config.json')) ? readJsonObject(file('tokenizer_config.json'), 'tokenizer_config.json') : {};

  return {
    dir: root,
    name,
    kind: gpt2 ? 'gpt2' : llama ? 'llama' : 'foreign',
    config,
    configJson,
    gpt2,
    llama: llama?.config,
    llamaWeights: llama?.files,
    safetensorsFile,
    onnxFiles,
    tokenizerJsonFile: file('tokenizer.json'),
    tokenizerJson,
    tokenizerConfig,
    generation: readGenerationConfig(file('generation_config.json')),
    chatTemplate: readChatTemplate(root, tokenizerConfig),
  };
}


/**
 * A Llama-family folder's config and weight files, checked from the headers; undefined when the
 * model_type is another or there are no safetensors. A folder that also has a decode graph still
 * opens from that graph when its safetensors cannot be used (a rope_scaling type the graphs lack).
 */
function readLlama(dir: string, name: string, configJson: JsonObject, config: CausalLMConfig, hasGraph: boolean, tokenizerIds: number): { config: LlamaConfig; files: WeightFile[] } | undefined {
  if (!isLlamaModelType(config.modelType)) return undefined;
  try {
    const files = llamaWeightFiles(dir, name);
    if (files.length === 0) return undefined;
    const llama = withoutPaddedRows(parseLlamaConfig(configJson), tokenizerIds);
    // Measured on the rows config.json describes, as they are read before any is dropped.
    const tooLarge = builtGraphTooLarge(storedRowsConfig(llama));
    if (tooLarge) throw new ModelFolderError(`${name}/config.json`, tooLarge);
    checkLlamaWeightFiles(files, llama);
    return { config: llama, files };
  } catch (error) {
    if (hasGraph && error instanceof ModelFolderError) return undefined;
    throw error;
  }
}
