// LoRA (Hu et al. 2021): fine-tune a frozen weight W [in, out] through a low-rank update
//   W' = W + (α / r) · A · B,    A: [in, r],  B: [r, out],  r ≪ min(in, out)
// Only A and B get gradients and optimizer state: r·(in + out) numbers instead of in·out.
// B starts at zero, so W' = W at step 0; A starts uniform in ±1/√in (PEFT's Kaiming init).
// For export the update is merged into W, giving an ordinary model folder.

import type { GPTConfig } from '../gpt/config';
import { gpt2Parameters } from '../gpt/parameters';
import type { TensorMap } from '../gpt/tensor';
import type { GraphBuilder } from '../onnx';
import type { LoraSettings } from './options';
import { Mulberry32 } from '../generate/random';
import type { NamedShape, ParameterOverlay } from './trainingGraph';

export const LORA_TARGETS = ['attn.c_attn', 'attn.c_proj', 'mlp.c_fc', 'mlp.c_proj'] as const;

export const adapterA = (weight: string): string => `lora.${weight}.A`;
export const adapterB = (weight: string): string => `lora.${weight}.B`;

/** The GPT weight matrices that get adapters, with their [in, out] dims. */
export function loraTargets(config: GPTConfig, settings: LoraSettings): NamedShape[] {
  for (const t of settings.targets) {
    if (!(LORA_TARGETS as readonly string[]).includes(t)) throw new Error(`LoRA target "${t}" is not one of ${LORA_TARGETS.join(', ')}`);
  }
  return gpt2Parameters(config).filter((p) => p.dims.length === 2 && settings.targets.some((t) => p.name.endsWith(`.${t}.weight`)));
}

/** A, B for every target: A uniform in ±1/√in, B zero. */
export function initAdapters(config: GPTConfig, settings: LoraSettings, seed: number): Map<string, Float32Array> {
  const random = new Mulberry32(seed);
  const adapters = new Map<string, Float32Array>();
  for (const { name, dims: [rows, cols] } of loraTargets(config, settings)) {
    const bound = 1 / Math.sqrt(rows);
    adapters.set(adapterA(name), Float32Array.from({ length: rows * settings.rank }, () => (random.next() * 2 - 1) * bound));
    adapters.set(adapterB(name), new Float32Array(settings.rank * cols));
  }
  return adapters;
}

/** The graph side: adapters become inputs, and each target weight is replaced by W + (α/r)·A·B. */
export function loraOverlay(config: GPTConfig, settings: LoraSettings): ParameterOverlay {
  const targets = loraTargets(config, settings);
  const targetNames = new Set(targets.map((t) => t.name));
  const scale = settings.alpha / settings.rank;
  return {
    parameters: targets.flatMap(({ name, dims: [rows, cols] }) => [
      { name: adapterA(name), dims: [rows, settings.rank] },
      { name: adapterB(name), dims: [settings.rank, cols] },
    ]),
    resolve: (g: GraphBuilder, parameter: string, value: string) => {
      if (!targetNames.has(parameter)) return value;
      const update = g.op('MatMul', [adapterA(parameter), adapterB(parameter)], {}, { name: `${parameter}.lora_update` }); // [in, out]
      const scaled = g.op('Mul', [update, g.constant(Float32Array.of(scale), [], 'lora_scale')]);
      return g.op('Add', [value, scaled], {}, { name: `${parameter}.lora_merged` });
    },
  };
}

/** W + (α/r)·A·B for every target; other weights are returned as they are. */
export function mergeAdapters(config: GPTConfig, settings: LoraSettings, base: TensorMap, adapters: ReadonlyMap<string, Float32Array>): TensorMap {
  const merged: TensorMap = new Map(base);
  const r = settings.rank;
  const scale = settings.alpha / r;
  for (const { name, dims } of loraTargets(config, settings)) {
    const [rows, cols] = dims;
    const w = base.get(name);
    const a = adapters.get(adapterA(name));
    const b = adapters.get(adapterB(name));
    if (!w || !a || !b) throw new Error(`LoRA merge: ${name} or its adapters are missing`);
    const out = Float32Array.from(w.data);
    for (let i = 0; i < rows; i++) {
      for (let k = 0; k < r; k++) {
        const aik = scale * a[i * r + k];
        if (aik === 0) continue;
        for (let j = 0; j < cols; j++) out[i * cols + j] += aik * b[k * cols + j];
      }
    }
    merged.set(name, { dims, data: out });
  }
  return merged;
}
