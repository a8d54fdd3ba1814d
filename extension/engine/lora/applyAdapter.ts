// Applying a PEFT LoRA adapter to a GPT-2 model: check that it fits, then merge
//   W'[in, out] = W + (lora_alpha / r) · (B · A)ᵀ        A: [r, in], B: [out, r]
// (ΔW = B·A is [out, in] in PEFT's nn.Linear orientation; GPT-2's Conv1D stores W as [in, out],
// hence the transpose, which PEFT's fan_in_fan_out flag stands for). The result is an ordinary
// set of weights: every inspector, transformers.js and PyTorch run it with no LoRA code at all.

import * as path from 'node:path';
import type { TensorMap } from '../gpt/tensor';
import type { PeftAdapter } from './peftAdapter';

/** Why an adapter does not fit a model, one line per mismatch; empty when it fits. */
export function adapterMismatches(adapter: PeftAdapter, weights: TensorMap, modelName: string): string[] {
  const problems: string[] = [];
  const wanted = path.basename(adapter.baseModel.replace(/[\\/]+$/, ''));
  if (wanted && wanted !== modelName) problems.push(`the adapter was trained on "${adapter.baseModel}", the model is "${modelName}"`);
  for (const pair of adapter.pairs) {
    const weight = weights.get(`${pair.module}.weight`);
    if (!weight) {
      problems.push(`${pair.module}: the model has no such weight`);
      continue;
    }
    const [rows, cols] = weight.dims;
    if (weight.dims.length !== 2 || rows !== pair.inFeatures || cols !== pair.outFeatures) {
      problems.push(`${pair.module}: the adapter is for a [${pair.inFeatures} in, ${pair.outFeatures} out] matrix, the model's is [${weight.dims.join(' × ')}]`);
    }
  }
  return problems;
}

/** Throws naming every mismatch when the adapter does not fit. */
export function checkAdapterFits(adapter: PeftAdapter, weights: TensorMap, modelName: string): void {
  const problems = adapterMismatches(adapter, weights, modelName);
  if (problems.length > 0) throw new Error(`the LoRA adapter does not fit this model: ${problems.join('; ')}`);
}

/** The model's weights with every adapted matrix replaced by W + (α/r)·(B·A)ᵀ; the others are shared. */
export function mergePeftAdapter(adapter: PeftAdapter, weights: TensorMap, modelName: string): TensorMap {
  checkAdapterFits(adapter, weights, modelName);
  const merged: TensorMap = new Map(weights);
  const r = adapter.rank;
  const scale = adapter.alpha / r;
  for (const { module, a, b, inFeatures, outFeatures } of adapter.pairs) {
    const name = `${module}.weight`;
    const out = Float32Array.from((weights.get(name) as { data: Float32Array }).data);
    // out[i, j] += scale · Σ_k B[j, k] · A[k, i]
    for (let i = 0; i < inFeatures; i++) {
      for (let j = 0; j < outFeatures; j++) {
        let sum = 0;
        for (let k = 0; k < r; k++) sum += b[j * r + k] * a[k * inFeatures + i];
        out[i * outFeatures + j] += scale * sum;
      }
    }
    merged.set(name, { dims: [inFeatures, outFeatures], data: out });
  }
  return merged;
}

/** Numbers the adapter trains against the model's total, for "0.9% of 1.35 M". */
export function trainableFraction(adapter: PeftAdapter, totalParameters: number): { trainable: number; total: number; fraction: number } {
  const trainable = adapter.pairs.reduce((n, p) => n + p.a.length + p.b.length, 0);
  return { trainable, total: totalParameters, fraction: trainable / totalParameters };
}
