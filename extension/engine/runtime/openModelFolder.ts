// Opens a model folder as a LanguageModel: its decode graph when it has one (ours or a foreign
// model's, quantized variants after full precision), else, for our GPT-2 or a Llama-family model
// with only safetensors weights, a decode graph built in memory from those weights.

import * as path from 'node:path';
import { buildDecodeModel } from '../gpt/decodeModel';
import { ModelFolderError } from '../modelFolder/folderError';
import { readGPT2Weights } from '../modelFolder/gpt2Weights';
import { readLlamaWeights } from '../modelFolder/llamaWeights';
import { contextLength as llamaContextLength } from '../llama/config';
import { buildLlamaDecodeModel } from '../llama/decodeModel';
import { readModelFolder, type ModelFolder } from '../modelFolder/readModelFolder';
import { decodeThreads } from './decodeThreads';
import { OnnxCausalLM } from './onnxCausalLM';
import type { SessionSettings } from './ort';

export interface OpenedModelFolder {
  readonly folder: ModelFolder;
  readonly model: OnnxCausalLM;
}

export async function openModelFolder(dir: string, settings: SessionSettings = {}): Promise<OpenedModelFolder> {
  const folder = readModelFolder(dir);
  return { folder, model: await openLanguageModel(folder, settings) };
}

/** Threads default to decodeThreads(folder): one for a small model. */
export async function openLanguageModel(folder: ModelFolder, given: SessionSettings = {}): Promise<OnnxCausalLM> {
  const settings = { ...given, threads: given.threads ?? decodeThreads(folder) };
  const graph = folder.onnxFiles[0];
  if (graph) {
    return OnnxCausalLM.open(path.join(folder.dir, graph), { ...settings, config: folder.config, shownAs: graph });
  }
  if (folder.llama && folder.llamaWeights) {
    return OnnxCausalLM.open(buildLlamaDecodeModel(folder.llama, readLlamaWeights(folder.llamaWeights, folder.llama)), {
      ...settings,
      config: folder.config,
      contextLength: llamaContextLength(folder.llama),
      shownAs: 'decode graph built from the safetensors weights',
    });
  }
  if (!folder.gpt2 || !folder.safetensorsFile) throw new ModelFolderError(folder.dir, 'has no decode graph and no GPT-2 or Llama-family weights');
  const { gpt } = folder.gpt2;
  const weights = readGPT2Weights(folder.safetensorsFile, gpt);
  return OnnxCausalLM.open(buildDecodeModel(gpt, weights), {
    ...settings,
    config: folder.config,
    contextLength: gpt.n_positions,
    shownAs: 'decode graph built from model.safetensors',
  });
}
