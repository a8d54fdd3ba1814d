// The two architectures the trainer builds a model of, behind one set of functions: GPT-2
// (LayerNorm, learned positions, GELU MLP) and Llama (RMSNorm, rotary positions, SwiGLU MLP,
// grouped-query attention). Each has ONE forward definition (gpt/forwardGraph.ts,
// llama/forwardGraph.ts) that its decode, inspection and training graphs all call; the training
// graph, the step runner, checkpoints and samples reach it through here.

import type { GPTConfig } from '../gpt/config';
import { emitGPT2Forward, type GPT2ForwardInputs, type GPT2ForwardOutputs, type ParameterResolver } from '../gpt/forwardGraph';
import { buildDecodeModel } from '../gpt/decodeModel';
import { gpt2Parameters, WPE, WTE } from '../gpt/parameters';
import { randomWeights } from '../gpt/randomWeights';
import { parameterCount, trainingFlopsPerToken } from '../gpt/sizes';
import type { TensorMap } from '../gpt/tensor';
import { contextLength as llamaContextLength, type LlamaConfig } from '../llama/config';
import { buildLlamaDecodeModel } from '../llama/decodeModel';
import { emitLlamaForward } from '../llama/forwardGraph';
import { EMBED_TOKENS, llamaParameterCount, llamaParameters } from '../llama/parameters';
import { randomLlamaWeights } from '../llama/randomWeights';
import { llamaForwardFlopsPerToken } from '../llama/sizes';
import type { GraphBuilder } from '../onnx';

/** A model the trainer can build: our GPT-2, or a Llama (config.json's model_type says which). */
export type TrainableConfig = GPTConfig | LlamaConfig;
export type Architecture = 'gpt2' | 'llama';

export function isLlamaConfig(config: TrainableConfig): config is LlamaConfig {
  return 'model_type' in config;
}

export function architectureOf(config: TrainableConfig): Architecture {
  return isLlamaConfig(config) ? 'llama' : 'gpt2';
}

/** LoRA adapts GPT-2's matrices by name (attn.c_attn, mlp.c_fc, …); a Llama run cannot use it. */
export function gptOnly(config: TrainableConfig, what: string): GPTConfig {
  if (isLlamaConfig(config)) throw new Error(`${what} works on GPT-2 models only, not on a Llama`);
  return config;
}

/** Every parameter's name (Hugging Face's) and shape, in the order of the forward pass. */
export function parameterShapes(config: TrainableConfig): { name: string; dims: readonly number[] }[] {
  return (isLlamaConfig(config) ? llamaParameters(config) : gpt2Parameters(config)).map((p) => ({ name: p.name, dims: p.dims }));
}

export function emitForward(g: GraphBuilder, config: TrainableConfig, inputs: GPT2ForwardInputs, resolve: ParameterResolver): GPT2ForwardOutputs {
  return isLlamaConfig(config) ? emitLlamaForward(g, config, inputs, resolve) : emitGPT2Forward(g, config, inputs, resolve);
}

/** The longest sequence the model computes as defined (GPT-2's position table; a Llama's max_position_embeddings). */
export function maxContext(config: TrainableConfig): number {
  return isLlamaConfig(config) ? llamaContextLength(config) : config.n_positions;
}

export function initialWeights(config: TrainableConfig, seed: number): TensorMap {
  return isLlamaConfig(config) ? randomLlamaWeights(config, seed) : randomWeights(config, seed);
}

export function totalParameters(config: TrainableConfig): number {
  return isLlamaConfig(config) ? llamaParameterCount(config).total : parameterCount(config).total;
}

/** Forward and backward FLOPs per token: 3× the forward pass. */
export function trainingFlops(config: TrainableConfig, context: number): number {
  return isLlamaConfig(config) ? 3 * llamaForwardFlopsPerToken(config, context) : trainingFlopsPerToken(config, context);
}

/** The decode graph (KV cache) with these weights as initializers. */
export function decodeModelBytes(config: TrainableConfig, weights: TensorMap): Uint8Array {
  return isLlamaConfig(config) ? buildLlamaDecodeModel(config, weights) : buildDecodeModel(config, weights);
}

/** The token (and position) embeddings, which weight decay leaves alone unless asked. */
export function isEmbedding(name: string): boolean {
  return name === WTE || name === WPE || name === EMBED_TOKENS;
}

/** Layers, width and query heads: what the activation-memory estimate needs. */
export function blockShape(config: TrainableConfig): { layers: number; width: number; heads: number } {
  return isLlamaConfig(config)
    ? { layers: config.num_hidden_layers, width: config.hidden_size, heads: config.num_attention_heads }
    : { layers: config.n_layer, width: config.n_embd, heads: config.n_head };
}

/**
 * The Llama beside a GPT-2 size, with as many parameters per block: attention with half as many
 * key/value heads as query heads costs 3C² (q and o C² each, k and v C²/2 each) and a SwiGLU MLP of
 * width 3C costs 9C², together GPT-2's 12C² (4C² attention, 8C² MLP). Embeddings are tied, as in
 * GPT-2; the Llama has no position table and no biases, so it is slightly smaller in all.
 */
export function llamaLike(gpt: Omit<GPTConfig, 'vocab_size'>, vocabSize: number): LlamaConfig {
  return {
    model_type: 'llama',
    num_hidden_layers: gpt.n_layer,
    hidden_size: gpt.n_embd,
    intermediate_size: 3 * gpt.n_embd,
    num_attention_heads: gpt.n_head,
    num_key_value_heads: gpt.n_head % 2 === 0 ? gpt.n_head / 2 : gpt.n_head,
    head_dim: gpt.n_embd / gpt.n_head,
    vocab_size: vocabSize,
    max_position_embeddings: gpt.n_positions,
    rms_norm_eps: gpt.layer_norm_epsilon,
    rope_theta: 10_000,
    tie_word_embeddings: true,
    qkv_bias: false,
    o_proj_bias: false,
    mlp_bias: false,
  };
}
