// A LoRA adapter in Hugging Face PEFT's saved layout, so that PEFT (and anything that reads PEFT)
// loads what this engine trains, and this engine loads adapters PEFT wrote:
//   adapter_config.json          peft_type "LORA", r, lora_alpha, target_modules, fan_in_fan_out, …
//   adapter_model.safetensors    base_model.model.<module>.lora_A.weight   [r, in]
//                                base_model.model.<module>.lora_B.weight   [out, r]
// PEFT's update is ΔW = (lora_alpha / r) · B · A, an [out, in] matrix. GPT-2's projections are
// Conv1D layers that store W as [in, out] (y = x·W + b), so PEFT sets fan_in_fan_out and adds ΔWᵀ.
// The trainer keeps A' = Aᵀ [in, r] and B' = Bᵀ [r, out] so that W + (α/r)·A'·B' is the same sum.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TensorMap } from '../gpt/tensor';
import { writeJsonAtomic } from '../modelFolder/atomicWrite';
import { readJsonObject } from '../modelFolder/jsonFile';
import { encodeSafetensors, readSafetensors, writeSafetensors } from '../modelFolder/safetensors';
import { adapterA, adapterB } from '../train/lora';
import type { LoraSettings } from '../train/options';

export const ADAPTER_CONFIG_FILE = 'adapter_config.json';
export const ADAPTER_WEIGHTS_FILE = 'adapter_model.safetensors';

/** One adapted matrix in PEFT's orientation. `module` is the base model's module path, e.g. transformer.h.0.attn.c_attn. */
export interface LoraPair {
  readonly module: string;
  /** [r, in] */
  readonly a: Float32Array;
  /** [out, r] */
  readonly b: Float32Array;
  readonly inFeatures: number;
  readonly outFeatures: number;
}

export interface PeftAdapter {
  readonly rank: number;
  readonly alpha: number;
  /** Module-name suffixes PEFT matched, e.g. "attn.c_attn". */
  readonly targetModules: readonly string[];
  readonly baseModel: string;
  readonly fanInFanOut: boolean;
  readonly pairs: readonly LoraPair[];
}

const PREFIX = 'base_model.model.';
const A_SUFFIX = '.lora_A.weight';
const B_SUFFIX = '.lora_B.weight';

/** Row-major transpose of a [rows, cols] matrix. */
export function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = data[i * cols + j];
  return out;
}

/**
 * The trainer's adapters (lora.<weight>.A [in, r], lora.<weight>.B [r, out]) as PEFT pairs.
 * `weightDims` gives each base weight's [in, out].
 */
export function peftAdapterFromTrainer(
  settings: LoraSettings, adapters: ReadonlyMap<string, Float32Array>, weightDims: ReadonlyMap<string, readonly number[]>, baseModel: string,
): PeftAdapter {
  const r = settings.rank;
  const pairs: LoraPair[] = [];
  for (const [weight, dims] of weightDims) {
    const a = adapters.get(adapterA(weight));
    const b = adapters.get(adapterB(weight));
    if (!a || !b) continue;
    const [inFeatures, outFeatures] = dims;
    pairs.push({ module: weight.replace(/\.weight$/, ''), a: transpose(a, inFeatures, r), b: transpose(b, r, outFeatures), inFeatures, outFeatures });
  }
  if (pairs.length === 0) throw new Error('the run has no LoRA adapters to save');
  return { rank: r, alpha: settings.alpha, targetModules: settings.targets, baseModel, fanInFanOut: true, pairs };
}

/** PEFT pairs back in the trainer's orientation: lora.<weight>.A [in, r] and lora.<weight>.B [r, out]. */
export function trainerAdaptersFromPeft(adapter: PeftAdapter): Map<string, Float32Array> {
  const adapters = new Map<string, Float32Array>();
  for (const p of adapter.pairs) {
    adapters.set(adapterA(`${p.module}.weight`), transpose(p.a, adapter.rank, p.inFeatures));
    adapters.set(adapterB(`${p.module}.weight`), transpose(p.b, p.outFeatures, adapter.rank));
  }
  return adapters;
}

/** The adapter's tensors under PEFT's names, in PEFT's orientation. */
function peftTensors(adapter: PeftAdapter): TensorMap {
  const tensors: TensorMap = new Map();
  for (const p of adapter.pairs) {
    tensors.set(`${PREFIX}${p.module}${A_SUFFIX}`, { dims: [adapter.rank, p.inFeatures], data: p.a });
    tensors.set(`${PREFIX}${p.module}${B_SUFFIX}`, { dims: [p.outFeatures, adapter.rank], data: p.b });
  }
  return tensors;
}

/** adapter_config.json as PEFT writes it. */
function peftConfig(adapter: PeftAdapter): Record<string, unknown> {
  return {
    peft_type: 'LORA',
    task_type: 'CAUSAL_LM',
    base_model_name_or_path: adapter.baseModel,
    r: adapter.rank,
    lora_alpha: adapter.alpha,
    lora_dropout: 0,
    target_modules: [...adapter.targetModules],
    fan_in_fan_out: adapter.fanInFanOut,
    bias: 'none',
    inference_mode: true,
    modules_to_save: null,
    use_rslora: false,
    use_dora: false,
  };
}

/** Writes adapter_config.json and adapter_model.safetensors into `dir` (created if needed). */
export function writePeftAdapter(dir: string, adapter: PeftAdapter): void {
  fs.mkdirSync(dir, { recursive: true });
  writeSafetensors(path.join(dir, ADAPTER_WEIGHTS_FILE), peftTensors(adapter));
  writeJsonAtomic(path.join(dir, ADAPTER_CONFIG_FILE), peftConfig(adapter));
}

/** The bytes writePeftAdapter will write (both files), without writing them: a run's estimate shows it. */
export function peftAdapterBytes(adapter: PeftAdapter): number {
  return encodeSafetensors(peftTensors(adapter)).byteLength + Buffer.byteLength(`${JSON.stringify(peftConfig(adapter), null, 2)}\n`);
}

/** Reads a PEFT LoRA folder; errors name the file and what is wrong. */
export function readPeftAdapter(dir: string): PeftAdapter {
  const configFile = path.join(dir, ADAPTER_CONFIG_FILE);
  const weightsFile = path.join(dir, ADAPTER_WEIGHTS_FILE);
  for (const file of [configFile, weightsFile]) if (!fs.existsSync(file)) throw new Error(`${file}: missing; a PEFT adapter folder holds ${ADAPTER_CONFIG_FILE} and ${ADAPTER_WEIGHTS_FILE}`);
  const json = readJsonObject(configFile, ADAPTER_CONFIG_FILE);
  const bad = (what: string) => new Error(`${configFile}: ${what}`);
  if (json.peft_type !== 'LORA') throw bad(`peft_type is ${JSON.stringify(json.peft_type)}, not "LORA"`);
  const rank = json.r;
  const alpha = json.lora_alpha;
  if (typeof rank !== 'number' || !Number.isInteger(rank) || rank < 1) throw bad(`r must be a whole number ≥ 1, got ${JSON.stringify(rank)}`);
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) throw bad(`lora_alpha must be a number, got ${JSON.stringify(alpha)}`);
  if (json.use_dora === true || json.use_rslora === true) throw bad('DoRA and rsLoRA adapters are not supported (use_dora / use_rslora is true)');
  const targets = typeof json.target_modules === 'string' ? [json.target_modules] : json.target_modules;
  if (!Array.isArray(targets) || !targets.every((t) => typeof t === 'string')) throw bad('target_modules must be a list of module names');

  const { tensors } = readSafetensors(weightsFile);
  const pairs: LoraPair[] = [];
  for (const [name, a] of tensors) {
    if (!name.endsWith(A_SUFFIX)) continue;
    const module = name.slice(name.startsWith(PREFIX) ? PREFIX.length : 0, -A_SUFFIX.length);
    const bName = name.slice(0, -A_SUFFIX.length) + B_SUFFIX;
    const b = tensors.get(bName);
    if (!b) throw new Error(`${weightsFile}: ${name} has no ${bName}`);
    if (a.dims.length !== 2 || b.dims.length !== 2 || a.dims[0] !== rank || b.dims[1] !== rank) {
      throw new Error(`${weightsFile}: ${module} has lora_A [${a.dims.join(', ')}] and lora_B [${b.dims.join(', ')}]; r = ${rank} needs [${rank}, in] and [out, ${rank}]`);
    }
    pairs.push({ module, a: a.data, b: b.data, inFeatures: a.dims[1], outFeatures: b.dims[0] });
  }
  const orphan = [...tensors.keys()].find((n) => !n.endsWith(A_SUFFIX) && !n.endsWith(B_SUFFIX));
  if (orphan) throw new Error(`${weightsFile}: ${orphan} is not a LoRA tensor (…lora_A.weight or …lora_B.weight)`);
  if (pairs.length === 0) throw new Error(`${weightsFile}: holds no lora_A / lora_B tensors`);
  return {
    rank, alpha, targetModules: targets as string[], pairs,
    baseModel: typeof json.base_model_name_or_path === 'string' ? json.base_model_name_or_path : '',
    fanInFanOut: json.fan_in_fan_out === true,
  };
}

/** Bytes the adapter takes on disk (both files). */
export function adapterSizeOnDisk(dir: string): number {
  return [ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE].reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
}
