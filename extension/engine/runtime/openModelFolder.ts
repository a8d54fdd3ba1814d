// Opens a model folder as a LanguageModel: its decode graph when it has one (ours or a foreign
// model's, quantized variants after full precision), else, for our GPT-2 with only
// model.safetensors, a decode graph built in memory from those weights.

import * as path from 'node:path';
import { buildDecodeModel } from '../gpt/decodeModel';
import { ModelFolderError } from '../modelFolder/folderError';
import { readGPT2Weights } from '../modelFolder/gpt2Weights';
import { readModelFolder, type ModelFolder } from '../modelFolder/readModelFolder';
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

export async function openLanguageModel(folder: ModelFolder, settings: SessionSettings = {}): Promise<OnnxCausalLM> {
  const graph = folder.onnxFiles[0];
  if (graph) {
    return OnnxCausalLM.open(path.join(folder.dir, graph), { ...settings, config: folder.config, shownAs: graph });
  }
  if (!folder.gpt2 || !folder.safetensorsFile) throw new ModelFolderError(folder.dir, 'has no decode graph and no GPT-2 weights');
  const { gpt } = folder.gpt2;
  const weights = readGPT2Weights(folder.safetensorsFile, gpt);
  return OnnxCausalLM.open(buildDecodeModel(gpt, weights), {
    ...settings,
    config: folder.config,
    contextLength: gpt.n_positions,
    shownAs: 'decode graph built from model.safetensors',
  });
}
