// A checkpoint is a complete model folder (config.json, model.safetensors, onnx/model.onnx,
// tokenizer files: it loads in this engine, transformers.js and PyTorch) plus what resuming needs:
//   training_state.json     step, best validation loss, loss history, the run's settings
//   optimizer.safetensors   AdamW's m and v (or SGD's momentum) for every trained tensor
//   adapter/                LoRA's A and B in PEFT's layout (the model weights hold them merged)
// The folder is replaced as a whole (replaceFolderAtomically), so a crash while writing leaves the
// previous checkpoint intact.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GPTConfig } from '../gpt/config';
import type { TensorMap } from '../gpt/tensor';
import { isLlamaModelType, parseLlamaConfig } from '../llama/configJson';
import { llamaWeightFiles, readLlamaWeights } from '../modelFolder/llamaWeights';
import { writeJsonAtomic } from '../modelFolder/atomicWrite';
import { parseGPT2Config } from '../modelFolder/gpt2Config';
import { readGPT2Weights } from '../modelFolder/gpt2Weights';
import { type JsonObject, readJsonObject } from '../modelFolder/jsonFile';
import { readSafetensors, writeSafetensors } from '../modelFolder/safetensors';
import { peftAdapterFromTrainer, readPeftAdapter, trainerAdaptersFromPeft, writePeftAdapter, type PeftAdapter } from '../lora/peftAdapter';
import { gptOnly, type TrainableConfig } from './trainableConfig';
import { replaceFolderAtomically, resolveFolder } from './atomicFolder';
import { loraTargets } from './lora';
import type { LoraSettings } from './options';
import type { PreferenceMetrics } from './protocol';
import type { OptimizerSettings } from './optimizerGraph';

export const TRAINING_STATE_FILE = 'training_state.json';
export const OPTIMIZER_FILE = 'optimizer.safetensors';
/** The LoRA adapter's folder inside a checkpoint, in PEFT's layout (see lora/peftAdapter.ts). */
export const ADAPTER_FOLDER = 'adapter';
const FORMAT = 'llm-pipeline-lab/training-state';

export interface HistoryPoint {
  readonly step: number;
  readonly loss: number;
  readonly validationLoss?: number;
  /** A DPO step's reward accuracy and margin, with the held-out rewards and KL where measured: the panel redraws them after a reload. */
  readonly preference?: PreferenceMetrics;
}

export interface TrainingState {
  /** Steps completed: the next step to run. */
  readonly step: number;
  readonly totalSteps: number;
  readonly seed: number;
  readonly batchSize: number;
  readonly contextLength: number;
  readonly optimizer: OptimizerSettings;
  readonly lora?: LoraSettings;
  /** The folder the frozen base weights come from (LoRA), as given when the run started. */
  readonly baseModel?: string;
  readonly bestValidationLoss?: number;
  /** State of the sample generator, so resumed runs sample the same text. */
  readonly sampleRandomState: number;
  readonly history: readonly HistoryPoint[];
}

export interface Checkpoint {
  readonly config: TrainableConfig;
  /** Full model weights (LoRA merged in). */
  readonly weights: TensorMap;
  readonly tokenizerJson: Record<string, unknown>;
  /** The chat template the model was tuned with (SFT, DPO), kept in tokenizer_config.json. */
  readonly chatTemplate?: string;
  readonly state: TrainingState;
  readonly optimizerState: ReadonlyMap<string, Float32Array>;
  readonly adapters?: ReadonlyMap<string, Float32Array>;
}

const asTensors = (values: ReadonlyMap<string, Float32Array>, dims: (name: string) => readonly number[]): TensorMap =>
  new Map([...values].map(([name, data]) => [name, { dims: dims(name), data }]));

/** The run's LoRA adapters as the PEFT adapter a checkpoint's adapter/ folder holds. */
export function checkpointAdapter(config: GPTConfig, lora: LoraSettings, adapters: ReadonlyMap<string, Float32Array>, baseModel: string): PeftAdapter {
  const weightDims = new Map(loraTargets(config, lora).map((t) => [t.name, t.dims]));
  return peftAdapterFromTrainer(lora, adapters, weightDims, baseModel);
}

/** Writes `checkpoint` as the folder `dir`, atomically. */
export async function saveCheckpoint(dir: string, checkpoint: Checkpoint, dims: (name: string) => readonly number[]): Promise<void> {
  // Loaded here: the extension host reads checkpoints at start-up, and writing one builds the decode graph.
  const { writeModelFolder } = require('../modelFolder/writeModelFolder') as typeof import('../modelFolder/writeModelFolder');
  await replaceFolderAtomically(dir, isCheckpointFolder, (temp) => {
    writeModelFolder(temp, { config: checkpoint.config, weights: checkpoint.weights, tokenizerJson: checkpoint.tokenizerJson, chatTemplate: checkpoint.chatTemplate });
    writeSafetensors(path.join(temp, OPTIMIZER_FILE), asTensors(checkpoint.optimizerState, dims));
    const { lora, baseModel } = checkpoint.state;
    if (checkpoint.adapters && lora) writePeftAdapter(path.join(temp, ADAPTER_FOLDER), checkpointAdapter(gptOnly(checkpoint.config, 'LoRA'), lora, checkpoint.adapters, baseModel ?? ''));
    writeJsonAtomic(path.join(temp, TRAINING_STATE_FILE), { format: FORMAT, version: 1, ...checkpoint.state });
  });
}

/** A checkpoint folder of this program (also one written before folders carried the owner marker). */
export function isCheckpointFolder(dir: string): boolean {
  try {
    const json = JSON.parse(fs.readFileSync(path.join(dir, TRAINING_STATE_FILE), 'utf8')) as { format?: unknown };
    return json.format === FORMAT;
  } catch {
    return false;
  }
}

/** The config and weights of a checkpoint folder: a Llama when config.json says so, else our GPT-2. */
function modelOf(folder: string, configJson: JsonObject): { config: TrainableConfig; weights: TensorMap } {
  const modelType = typeof configJson.model_type === 'string' ? configJson.model_type : undefined;
  if (isLlamaModelType(modelType)) {
    const config = parseLlamaConfig(configJson);
    return { config, weights: readLlamaWeights(llamaWeightFiles(folder, folder), config) };
  }
  const config = parseGPT2Config(configJson).gpt;
  return { config, weights: readGPT2Weights(path.join(folder, 'model.safetensors'), config) };
}

function readFloats(file: string): Map<string, Float32Array> {
  return new Map([...readSafetensors(file).tensors].map(([name, t]) => [name, t.data]));
}

/** The folder holding the checkpoint `dir` (see resolveFolder) and its training state, without the tensors. */
export function readTrainingState(dir: string): { folder: string; state: TrainingState } {
  const folder = resolveFolder(dir);
  if (!folder) throw new Error(`${dir}: no checkpoint here to resume from`);
  const stateFile = path.join(folder, TRAINING_STATE_FILE);
  if (!fs.existsSync(stateFile)) throw new Error(`${stateFile}: missing; this folder is a model, not a training checkpoint`);
  const json = readJsonObject(stateFile, TRAINING_STATE_FILE);
  if (json.format !== FORMAT || json.version !== 1) throw new Error(`${stateFile}: not a training state of this version (format ${String(json.format)}, version ${String(json.version)})`);
  const { format: _format, version: _version, ...state } = json;
  return { folder, state: state as unknown as TrainingState };
}

/** Reads a checkpoint folder (or, after an interrupted swap, the folder it moved aside; see resolveFolder). */
export function loadCheckpoint(dir: string): Checkpoint {
  const { folder, state } = readTrainingState(dir);
  const configJson = readJsonObject(path.join(folder, 'config.json'), 'config.json');
  const adapterFolder = path.join(folder, ADAPTER_FOLDER);
  return {
    ...modelOf(folder, configJson),
    tokenizerJson: readJsonObject(path.join(folder, 'tokenizer.json'), 'tokenizer.json'),
    state,
    optimizerState: readFloats(path.join(folder, OPTIMIZER_FILE)),
    adapters: fs.existsSync(adapterFolder) ? trainerAdaptersFromPeft(readPeftAdapter(adapterFolder)) : undefined,
  };
}
