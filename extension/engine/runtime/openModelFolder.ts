// Opens a model folder as a language model. A GPT-2 with safetensors weights (ours, or one
// converted from Hugging Face) runs the runtime's own append-cache graph built from them
// (appendCacheCausalLM.ts), the fastest way this engine has to decode it. Any other folder runs
// its decode graph (ours or a foreign model's, quantized variants after full precision), else,
// for a Llama-family model with only safetensors weights, a decode graph built from those.

import * as path from 'node:path';
import { ModelFolderError } from '../modelFolder/folderError';
import { readGPT2Weights } from '../modelFolder/gpt2Weights';
import { readLlamaWeights } from '../modelFolder/llamaWeights';
import { contextLength as llamaContextLength } from '../llama/config';
import { buildLlamaDecodeModel } from '../llama/decodeModel';
import { readModelFolder, type ModelFolder } from '../modelFolder/readModelFolder';
import { decodeThreads } from './decodeThreads';
import { AppendCacheCausalLM } from './appendCacheCausalLM';
import type { CausalLM } from './causalLM';
import { OnnxCausalLM } from './onnxCausalLM';
import type { SessionSettings } from './ort';

export interface OpenedModelFolder {
  readonly folder: ModelFolder;
  readonly model: CausalLM;
}

export async function openModelFolder(dir: string, settings: SessionSettings = {}): Promise<OpenedModelFolder> {
  const folder = readModelFolder(dir);
  return { folder, model: await openLanguageModel(folder, settings) };
}

/** Threads default to decodeThreads(folder): one for a small model. */
export async function openLanguageModel(folder: ModelFolder, given: SessionSettings = {}): Promise<CausalLM> {
  const settings = { ...given, threads: given.threads ?? decodeThreads(folder) };
  if (folder.gpt2 && folder.safetensorsFile) {
    const { gpt } = folder.gpt2;
    return AppendCacheCausalLM.open(gpt, readGPT2Weights(folder.safetensorsFile, gpt), 'decode graph built from model.safetensors', settings);
  }
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
  throw new ModelFolderError(folder.dir, 'has no decode graph and no GPT-2 or Llama-family weights');
}
