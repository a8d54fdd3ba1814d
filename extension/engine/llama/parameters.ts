// The parameters of a Llama-family model, under Hugging Face's names and layouts. Linear weights
// are stored (out, in), as torch.nn.Linear keeps them, so a layer computes y = x·Wᵀ + b.
// RMSNorm has a gain and no bias. With tied embeddings the output layer is embed_tokens itself.
import type { GraphBuilder } from '../onnx';
import type { TensorMap } from '../gpt/tensor';
import type { LlamaConfig } from './config';

export interface ParameterSpec {
  readonly name: string;
  readonly dims: readonly number[];
}

export const EMBED_TOKENS = 'model.embed_tokens.weight';
export const FINAL_NORM = 'model.norm.weight';
export const LM_HEAD = 'lm_head.weight';

/** model.layers.{layer}.{rest}, e.g. layerParam(0, 'self_attn.q_proj.weight'). */
export function layerParam(layer: number, rest: string): string {
  return `model.layers.${layer}.${rest}`;
}

/** Every parameter, in the order of the forward pass. */
export function llamaParameters(config: LlamaConfig): ParameterSpec[] {
  const C = config.hidden_size;
  const I = config.intermediate_size;
  const D = config.head_dim;
  const q = config.num_attention_heads * D;
  const kv = config.num_key_value_heads * D;
  const specs: ParameterSpec[] = [{ name: EMBED_TOKENS, dims: [config.vocab_size, C] }];
  for (let i = 0; i < config.num_hidden_layers; i++) {
    const p = (rest: string, dims: number[]) => specs.push({ name: layerParam(i, rest), dims });
    const linear = (rest: string, out: number, inputs: number, bias: boolean) => {
      p(`${rest}.weight`, [out, inputs]);
      if (bias) p(`${rest}.bias`, [out]);
    };
    p('input_layernorm.weight', [C]);
    linear('self_attn.q_proj', q, C, config.qkv_bias);
    linear('self_attn.k_proj', kv, C, config.qkv_bias);
    linear('self_attn.v_proj', kv, C, config.qkv_bias);
    linear('self_attn.o_proj', C, q, config.o_proj_bias);
    p('post_attention_layernorm.weight', [C]);
    linear('mlp.gate_proj', I, C, config.mlp_bias);
    linear('mlp.up_proj', I, C, config.mlp_bias);
    linear('mlp.down_proj', C, I, config.mlp_bias);
  }
  specs.push({ name: FINAL_NORM, dims: [C] });
  if (!config.tie_word_embeddings) specs.push({ name: LM_HEAD, dims: [config.vocab_size, C] });
  return specs;
}

/** Stored numbers, and how many of them are the token embedding and a separate output layer. */
export function llamaParameterCount(config: LlamaConfig): { total: number; embedding: number } {
  let total = 0;
  let embedding = 0;
  for (const spec of llamaParameters(config)) {
    const n = spec.dims.reduce((a, b) => a * b, 1);
    total += n;
    if (spec.name === EMBED_TOKENS || spec.name === LM_HEAD) embedding += n;
  }
  return { total, embedding };
}

/** Adds every parameter to `g` as an initializer under its Hugging Face name (inference graphs). */
export function addLlamaInitializers(g: GraphBuilder, config: LlamaConfig, weights: TensorMap): void {
  for (const spec of llamaParameters(config)) {
    const tensor = weights.get(spec.name);
    if (!tensor) throw new Error(`weights: ${spec.name} is missing`);
    g.initializer(spec.name, tensor.data, tensor.dims);
  }
}
