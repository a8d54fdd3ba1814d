// A text sample from the weights being trained, so the user sees the model learn: greedy, or
// seeded sampling at a temperature. It runs the inference (decode) graph with a KV cache, built
// from the current weights by the same GPT definition the training graph uses.

import type { TensorMap } from '../gpt/tensor';
import { OnnxCausalLM } from '../runtime/onnxCausalLM';
import type { Mulberry32 } from '../generate/random';
import { maxContext, type TrainableConfig } from './trainableConfig';
import { decodeModelBytes } from './architecture';

export interface SampleSettings {
  readonly maxTokens: number;
  /** 0: always the most likely token. */
  readonly temperature: number;
  /** Stop early at this token (end of text), if given. */
  readonly stopToken?: number;
}

/** Draws index i with probability softmax(logits / temperature)ᵢ, or the argmax at temperature 0. */
export function pickToken(logits: Float32Array, temperature: number, random: Mulberry32): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  if (temperature <= 0) return best;
  let total = 0;
  const weights = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) total += weights[i] = Math.exp((logits[i] - logits[best]) / temperature);
  let r = random.next() * total;
  for (let i = 0; i < weights.length; i++) if ((r -= weights[i]) < 0) return i;
  return best;
}

/** Continues `prompt` (token IDs, at least one) and returns the new token IDs. */
export async function sampleTokens(config: TrainableConfig, weights: TensorMap, prompt: readonly number[], settings: SampleSettings, random: Mulberry32): Promise<number[]> {
  const context = maxContext(config);
  const model = await OnnxCausalLM.open(decodeModelBytes(config, weights), { contextLength: context, shownAs: 'training sample graph' });
  try {
    return await continueTokens(model, context, prompt, settings, random);
  } finally {
    await model.release();
  }
}

/** Continues `prompt` with an open model (KV cache, one token per call) and returns the new token IDs. */
export async function continueTokens(model: OnnxCausalLM, contextLength: number, prompt: readonly number[], settings: SampleSettings, random: Mulberry32): Promise<number[]> {
  const out: number[] = [];
  let { logits, cache } = await model.forward(prompt.slice(-contextLength));
  while (out.length < settings.maxTokens && cache.length < contextLength) {
    const next = pickToken(logits, settings.temperature, random);
    if (next === settings.stopToken) break;
    out.push(next);
    ({ logits, cache } = await model.forward([next], cache));
  }
  return out;
}
