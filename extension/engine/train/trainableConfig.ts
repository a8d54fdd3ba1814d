// Which model a training run builds, and the figures the forms and estimates need about it, without
// loading any graph code (the extension host reads these when a panel opens; architecture.ts, which
// emits the graphs, loads with the trainer). Two architectures: our GPT-2 (LayerNorm, learned
// positions, GELU MLP) and a Llama (RMSNorm, rotary positions, SwiGLU MLP, grouped-query attention).

import type { GPTConfig } from '../gpt/config';
import { parameterCount, trainingFlopsPerToken } from '../gpt/sizes';
import { contextLength as llamaContextLength, type LlamaConfig } from '../llama/config';
import { llamaParameterCount } from '../llama/parameters';
import type { Architecture as SizedArchitecture } from '../scaling/architecture';
import { forwardFlopsPerToken } from '../scaling/flops';

/** A model the trainer can build: our GPT-2, or a Llama (config.json's model_type says which). */
export type TrainableConfig = GPTConfig | LlamaConfig;
export type Architecture = 'gpt2' | 'llama';

export function isLlamaConfig(config: TrainableConfig): config is LlamaConfig {
  return 'model_type' in config;
}

export function architectureOf(config: TrainableConfig): Architecture {
  return isLlamaConfig(config) ? 'llama' : 'gpt2';
}

/** LoRA and DPO address GPT-2's matrices by name (attn.c_attn, mlp.c_fc, …); a Llama run cannot use them. */
export function gptOnly(config: TrainableConfig, what: string): GPTConfig {
  if (isLlamaConfig(config)) throw new Error(`${what} works on GPT-2 models only, not on a Llama`);
  return config;
}

/** The longest sequence the model computes as defined (GPT-2's position table; a Llama's max_position_embeddings). */
export function maxContext(config: TrainableConfig): number {
  return isLlamaConfig(config) ? llamaContextLength(config) : config.n_positions;
}

export function totalParameters(config: TrainableConfig): number {
  return isLlamaConfig(config) ? llamaParameterCount(config).total : parameterCount(config).total;
}

/** Forward and backward FLOPs per token at `context` keys: 3× the forward pass (a Llama's counted by the scaling calculator). */
export function trainingFlops(config: TrainableConfig, context: number): number {
  return isLlamaConfig(config) ? 3 * forwardFlopsPerToken(sizedArchitecture(config), context).total : trainingFlopsPerToken(config, context);
}

/** A Llama's sizes as the scaling calculator's formulas read them. */
function sizedArchitecture(c: LlamaConfig): SizedArchitecture {
  return {
    modelType: c.model_type, family: 'llama', vocabSize: c.vocab_size, hiddenSize: c.hidden_size, layers: c.num_hidden_layers,
    heads: c.num_attention_heads, kvHeads: c.num_key_value_heads, headDim: c.head_dim, intermediateSize: c.intermediate_size,
    contextLength: c.max_position_embeddings, tiedEmbeddings: c.tie_word_embeddings, qkvBias: c.qkv_bias, outputBias: c.o_proj_bias, mlpBias: c.mlp_bias,
  };
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
