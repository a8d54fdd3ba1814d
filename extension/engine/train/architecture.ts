// The graph side of the two architectures the trainer builds (trainableConfig.ts has the rest).
// Each has ONE forward definition (gpt/forwardGraph.ts, llama/forwardGraph.ts) that its decode,
// inspection and training graphs all call; the training graph, the step runner and the samples
// reach it through here.

import { buildDecodeModel } from '../gpt/decodeModel';
import { emitGPT2Forward, type GPT2ForwardInputs, type GPT2ForwardOutputs, type ParameterResolver } from '../gpt/forwardGraph';
import { gpt2Parameters, WPE, WTE } from '../gpt/parameters';
import { randomWeights } from '../gpt/randomWeights';
import type { TensorMap } from '../gpt/tensor';
import { buildLlamaDecodeModel } from '../llama/decodeModel';
import { emitLlamaForward } from '../llama/forwardGraph';
import { EMBED_TOKENS, llamaParameters } from '../llama/parameters';
import { randomLlamaWeights } from '../llama/randomWeights';
import type { GraphBuilder } from '../onnx';
import { isLlamaConfig, type TrainableConfig } from './trainableConfig';

/** Every parameter's name (Hugging Face's) and shape, in the order of the forward pass. */
export function parameterShapes(config: TrainableConfig): { name: string; dims: readonly number[] }[] {
  return (isLlamaConfig(config) ? llamaParameters(config) : gpt2Parameters(config)).map((p) => ({ name: p.name, dims: p.dims }));
}

export function emitForward(g: GraphBuilder, config: TrainableConfig, inputs: GPT2ForwardInputs, resolve: ParameterResolver): GPT2ForwardOutputs {
  if (!isLlamaConfig(config)) return emitGPT2Forward(g, config, inputs, resolve);
  // Hugging Face's Llama, Mistral and Qwen2 train without dropout (attention_dropout 0) and have no other dropout.
  if (inputs.dropout?.ratio) throw new Error('dropout: the Llama family trains without it; it applies to GPT-2 models');
  return emitLlamaForward(g, config, inputs, resolve);
}

export function initialWeights(config: TrainableConfig, seed: number): TensorMap {
  return isLlamaConfig(config) ? randomLlamaWeights(config, seed) : randomWeights(config, seed);
}

/** The decode graph (KV cache) with these weights as initializers. */
export function decodeModelBytes(config: TrainableConfig, weights: TensorMap): Uint8Array {
  return isLlamaConfig(config) ? buildLlamaDecodeModel(config, weights) : buildDecodeModel(config, weights);
}

/** The token (and position) embeddings, which weight decay leaves alone unless asked. */
export function isEmbedding(name: string): boolean {
  return name === WTE || name === WPE || name === EMBED_TOKENS;
}
