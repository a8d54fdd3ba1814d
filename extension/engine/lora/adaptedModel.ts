// A model folder with a LoRA adapter applied: the adapter is read from PEFT's layout, checked
// against the model (refused with each mismatch named) and merged into a copy of the weights, which
// is then written as an ordinary model folder ("Merge and export", and the folder the inspectors
// load when an adapter is applied). The base folder is never modified.

import * as path from 'node:path';
import { parameterCount } from '../gpt/sizes';
import type { TensorMap } from '../gpt/tensor';
import type { GPT2FolderConfig } from '../modelFolder/gpt2Config';
import { readGPT2Weights } from '../modelFolder/gpt2Weights';
import { readModelFolder, type ModelFolder } from '../modelFolder/readModelFolder';
import { writeModelFolder } from '../modelFolder/writeModelFolder';
import { mergePeftAdapter, trainableFraction } from './applyAdapter';
import type { AdapterFacts } from './loraProtocol';
import { adapterSizeOnDisk, readPeftAdapter, type PeftAdapter } from './peftAdapter';

export interface AdaptedModel {
  readonly base: ModelFolder;
  readonly adapter: PeftAdapter;
  readonly weights: TensorMap;
  readonly trainable: number;
  readonly total: number;
  readonly adapterBytes: number;
}

/** The base folder's GPT-2 weights with the adapter merged in; throws naming any mismatch. */
export function loadAdaptedModel(modelDir: string, adapterDir: string): AdaptedModel {
  const base = readModelFolder(modelDir);
  if (!base.gpt2 || !base.safetensorsFile) throw new Error(`${modelDir}: LoRA adapters are applied to GPT-2 folders with model.safetensors; this folder has ${base.safetensorsFile ? `model_type ${String(base.configJson.model_type)}` : 'no model.safetensors'}`);
  const adapter = readPeftAdapter(adapterDir);
  const weights = mergePeftAdapter(adapter, readGPT2Weights(base.safetensorsFile, base.gpt2.gpt), base.name);
  const { trainable, total } = trainableFraction(adapter, parameterCount(base.gpt2.gpt).total);
  return { base, adapter, weights, trainable, total, adapterBytes: adapterSizeOnDisk(adapterDir) };
}

/** Writes the merged model as a complete folder at `outDir` (config, weights, decode graph, tokenizer). */
export function exportMergedModel(modelDir: string, adapterDir: string, outDir: string): AdaptedModel {
  const adapted = loadAdaptedModel(modelDir, adapterDir);
  if (path.resolve(outDir) === path.resolve(adapted.base.dir)) throw new Error(`${outDir}: the merged model must go to a new folder, not over its base`);
  const { base, adapter } = adapted;
  writeModelFolder(outDir, {
    config: (base.gpt2 as GPT2FolderConfig).gpt,
    weights: adapted.weights,
    tokenizerJson: base.tokenizerJson,
    tokenizerConfig: base.tokenizerConfig,
    bosTokenId: base.generation.bosTokenId,
    eosTokenId: base.generation.eosTokenIds[0],
    extraFiles: {
      'README.md': `# ${path.basename(outDir)}\n\n${base.name} with a LoRA adapter merged in: W' = W + (${adapter.alpha}/${adapter.rank})·(B·A)ᵀ on ${adapter.pairs.length} matrices (${adapter.targetModules.join(', ')}), from ${path.resolve(adapterDir)}.\n`,
    },
  });
  return adapted;
}

/** The adapter's numbers for display: rank, targets, trainable parameters against the total, bytes on disk. */
export function adapterFacts({ adapter, trainable, total, adapterBytes }: AdaptedModel): AdapterFacts {
  return { rank: adapter.rank, alpha: adapter.alpha, targetModules: adapter.targetModules, matrices: adapter.pairs.length, trainable, total, adapterBytes };
}
