// Memory to train and to serve a model.
// Training with AdamW keeps, per parameter (Rajbhandari et al. 2019, "ZeRO", section 3.1):
//   fp32           weights 4 + gradients 4 + moments m, v 4 + 4                  = 16 bytes
//   fp16 / bf16    weights 2 + gradients 2 + moments 4 + 4 + an fp32 master copy 4 = 16 bytes
// plus the activations the backward pass needs: per block, for a sequence of s tokens, batch b,
// width h and a heads, s·b·h·(34 + 5·a·s/h) bytes in 16-bit values (Korthikanti et al. 2022,
// "Reducing Activation Recomputation", eq. 1; it assumes GPT's 4·h MLP, so for SwiGLU models it
// is an estimate). float32 doubles it.
// Serving keeps the weights and the KV cache: per token, every layer stores a key and a value for
// each KV head, 2·L·h_kv·k values, so grouped-query attention shrinks it by heads / kv heads.
import type { Architecture } from './architecture';
import { countParameters } from './parameters';

export type Dtype = 'fp32' | 'bf16' | 'fp16' | 'int8' | 'int4';

export const BYTES_PER_VALUE: Record<Dtype, number> = { fp32: 4, bf16: 2, fp16: 2, int8: 1, int4: 0.5 };

/** The dtypes training runs in; int8 and int4 are for serving. */
export const TRAINING_DTYPES = ['fp32', 'bf16', 'fp16'] as const;
export type TrainingDtype = (typeof TRAINING_DTYPES)[number];

/** Activation bytes one block keeps for the backward pass (Korthikanti et al. eq. 1, scaled to `bytesPerValue`). */
export function activationBytesPerBlock(sequence: number, batch: number, width: number, heads: number, bytesPerValue: number): number {
  return (bytesPerValue / 2) * sequence * batch * width * (34 + (5 * heads * sequence) / width);
}

export interface TrainingMemory {
  readonly weights: number;
  readonly gradients: number;
  /** AdamW's m and v, in fp32. */
  readonly adamMoments: number;
  /** The fp32 copy of the weights mixed precision updates (0 in fp32). */
  readonly masterWeights: number;
  readonly activations: number;
  readonly total: number;
}

export function trainingMemory(a: Architecture, dtype: TrainingDtype, batch: number, sequence: number): TrainingMemory {
  const n = countParameters(a).total;
  const bytes = BYTES_PER_VALUE[dtype];
  const weights = n * bytes;
  const gradients = n * bytes;
  const adamMoments = 2 * 4 * n;
  const masterWeights = dtype === 'fp32' ? 0 : 4 * n;
  const activations = a.layers * activationBytesPerBlock(sequence, batch, a.hiddenSize, a.heads, bytes);
  return { weights, gradients, adamMoments, masterWeights, activations, total: weights + gradients + adamMoments + masterWeights + activations };
}

/** Bytes of keys and values cached per token: 2 · layers · kv heads · head_dim · bytes. */
export function kvCacheBytesPerToken(a: Architecture, bytesPerValue = BYTES_PER_VALUE.fp16): number {
  return 2 * a.layers * a.kvHeads * a.headDim * bytesPerValue;
}

export interface ServingMemory {
  readonly weights: number;
  readonly kvCache: number;
  readonly total: number;
}

/** Weights in `dtype` and an fp16 KV cache for `batch` sequences of `context` tokens. */
export function servingMemory(a: Architecture, dtype: Dtype, batch: number, context: number): ServingMemory {
  const weights = countParameters(a).total * BYTES_PER_VALUE[dtype];
  const kvCache = kvCacheBytesPerToken(a) * batch * context;
  return { weights, kvCache, total: weights + kvCache };
}
