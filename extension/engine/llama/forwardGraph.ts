// The Llama-family forward pass (Llama, Mistral, Qwen2), written once, emitted into any
// GraphBuilder: the decode graph and the inspection graph both call emitLlamaForward, as GPT-2's
// graphs call emitGPT2Forward, and differ only in the attention bias and the outputs they keep.
//
//   x = embed_tokens[input_ids]                                          [B, T, C]
//   for each layer:  x = x + attn(rms_norm(x));  x = x + mlp(rms_norm(x))
//   logits = rms_norm(x) · lm_headᵀ   (lm_head = embed_tokens when tied)  [B, T, vocab]
//
// What differs from GPT-2: RMSNorm instead of LayerNorm, rotary position embeddings on q and k
// instead of a learned position table, grouped-query attention (fewer key/value heads, each shared
// by a group of query heads), and a gated MLP, SwiGLU: down(silu(gate(x)) ⊙ up(x)).
// Ops (default ONNX domain, opset 20): Gather, Add, Mul, Div, Neg, Sqrt, ReduceMean, Sigmoid,
// MatMul, Transpose, Reshape, Split, Concat, Unsqueeze, Tile, Softmax, Cast, Cos, Sin.
import { attr, type GraphBuilder } from '../onnx';
import { Constants, emitCacheAppend, type GPT2ForwardInputs, type GPT2ForwardOutputs, type KeyValue, type ParameterResolver, resolveOnce } from '../gpt/forwardGraph';
import { queriesPerKeyValue, type LlamaConfig } from './config';
import { EMBED_TOKENS, FINAL_NORM, layerParam, LM_HEAD } from './parameters';
import { emitRotary, emitRotaryTables, type RotaryTables } from './rope';

/**
 * The same inputs and outputs as GPT-2's forward pass, so the graph builders and the runtime treat
 * both alike. Here position ids set each token's rotation, `past` and `presents` hold the
 * key/value heads ([B, kv_heads, S, D], keys already rotated), `attentions` one map per query head,
 * and `outputWeight` is lm_headᵀ (embed_tokensᵀ when tied).
 */
export type LlamaForwardInputs = GPT2ForwardInputs;
export type LlamaForwardOutputs = GPT2ForwardOutputs;

export function emitLlamaForward(g: GraphBuilder, config: LlamaConfig, inputs: LlamaForwardInputs, resolve: ParameterResolver = (n) => n): LlamaForwardOutputs {
  const param = resolveOnce(resolve);
  const k = new Constants(g);
  const rotary = emitRotaryTables(g, config, inputs.positionIds);
  let x = g.op('Gather', [param(EMBED_TOKENS), inputs.inputIds], { axis: attr.int(0) }, { name: 'embed_tokens' });

  const hiddenStates = [x];
  const attentions: string[] = [];
  const presents: KeyValue[] = [];
  for (let i = 0; i < config.num_hidden_layers; i++) {
    const p = (rest: string) => param(layerParam(i, rest));
    const name = (what: string) => ({ name: `layers.${i}.${what}` });

    const normed = rmsNorm(g, k, config, x, p('input_layernorm.weight'), `layers.${i}.input_layernorm`);
    const a = attention(g, k, config, i, normed, rotary, inputs.attentionBias, inputs.past?.[i], inputs.presentNames?.(i), param);
    attentions.push(a.probs);
    presents.push(a.present);
    x = g.op('Add', [x, a.out], {}, name('attn_residual'));

    const m = mlp(g, config, i, rmsNorm(g, k, config, x, p('post_attention_layernorm.weight'), `layers.${i}.post_attention_layernorm`), param);
    x = g.op('Add', [x, m], {}, name('mlp_residual'));
    hiddenStates.push(x);
  }
  const outputWeight = emitLlamaOutputWeight(g, config, param);
  return { logits: emitLlamaLMHead(g, config, x, outputWeight, param, 'logits'), hiddenStates, attentions, presents, outputWeight };
}

/** The output layer's weight transposed, [C, vocab]: embed_tokensᵀ when tied, else lm_headᵀ. */
export function emitLlamaOutputWeight(g: GraphBuilder, config: LlamaConfig, param: ParameterResolver = (n) => n): string {
  return g.op('Transpose', [param(config.tie_word_embeddings ? EMBED_TOKENS : LM_HEAD)], { perm: attr.ints([1, 0]) }, { name: 'lm_head_t' });
}

/** logits = rms_norm(h)·lm_headᵀ: the output layer, also used by the logit lens on earlier residual streams. */
export function emitLlamaLMHead(g: GraphBuilder, config: LlamaConfig, hidden: string, outputWeight: string, param: ParameterResolver = (n) => n, name = 'lm_head'): string {
  const normed = rmsNorm(g, new Constants(g), config, hidden, param(FINAL_NORM), `${name}.norm`);
  return g.op('MatMul', [normed, outputWeight], {}, { name });
}

/**
 * Grouped-query causal self-attention of layer `layer`: q, k, v projections, rotary embeddings on
 * q and k, each key/value head repeated for its group of query heads, then per head
 * softmax(q·kᵀ/√D + bias)·v, heads concatenated, and o_proj.
 */
function attention(g: GraphBuilder, k: Constants, config: LlamaConfig, layer: number, x: string, rotary: RotaryTables, bias: string, past: KeyValue | undefined, presentNames: KeyValue | undefined, param: ParameterResolver) {
  const H = config.num_attention_heads;
  const KV = config.num_key_value_heads;
  const D = config.head_dim;
  const prefix = `layers.${layer}.self_attn`;
  const name = (what: string) => ({ name: `${prefix}.${what}` });
  const proj = (which: string, bias: boolean, input = x) =>
    linear(g, input, param(layerParam(layer, `self_attn.${which}.weight`)), bias ? param(layerParam(layer, `self_attn.${which}.bias`)) : undefined, `${prefix}.${which}`);
  // [B, T, heads·D] -> [B, T, heads, D] -> [B, heads, T, D]
  const heads = (v: string, count: number, what: string) =>
    g.op('Transpose', [g.op('Reshape', [v, k.ints([0, 0, count, D], `heads_shape_${count}`)], {}, name(`${what}_split_heads`))], { perm: attr.ints([0, 2, 1, 3]) }, name(what));
  const half = k.ints([D / 2, D / 2], 'rope_halves');

  const q = emitRotary(g, heads(proj('q_proj', config.qkv_bias), H, 'q'), rotary, half, `${prefix}.q_rotated`);
  let keys = emitRotary(g, heads(proj('k_proj', config.qkv_bias), KV, 'k'), rotary, half, `${prefix}.k_rotated`);
  let values = heads(proj('v_proj', config.qkv_bias), KV, 'v');
  if (past) {
    keys = emitCacheAppend(g, past.key, keys, name('present_k').name, presentNames?.key);       // [B, KV, S, D]
    values = emitCacheAppend(g, past.value, values, name('present_v').name, presentNames?.value);
  }
  const groupKeys = repeatKeyValueHeads(g, k, config, keys, `${prefix}.k_groups`);             // [B, H, S, D]
  const groupValues = repeatKeyValueHeads(g, k, config, values, `${prefix}.v_groups`);
  const kT = g.op('Transpose', [groupKeys], { perm: attr.ints([0, 1, 3, 2]) }, name('k_t'));  // [B, H, D, S]
  const scores = g.op('Mul', [g.op('MatMul', [q, kT], {}, name('qk')), k.scalar(1 / Math.sqrt(D), 'attn_scale')], {}, name('scores'));
  const probs = g.op('Softmax', [g.op('Add', [scores, bias], {}, name('masked_scores'))], { axis: attr.int(-1) }, name('probs')); // [B, H, T, S]
  const y = g.op('MatMul', [probs, groupValues], {}, name('weighted_values'));                // [B, H, T, D]
  const merged = g.op('Reshape', [g.op('Transpose', [y], { perm: attr.ints([0, 2, 1, 3]) }, name('merge_heads')), k.ints([0, 0, H * D], 'merged_shape')], {}, name('merged'));
  return { probs, present: { key: keys, value: values }, out: proj('o_proj', config.o_proj_bias, merged) };
}

/** [B, KV, S, D] -> [B, H, S, D]: key/value head j serves query heads j·G .. j·G + G-1 (G = H/KV), as Hugging Face's repeat_kv. */
function repeatKeyValueHeads(g: GraphBuilder, k: Constants, config: LlamaConfig, x: string, name: string): string {
  const G = queriesPerKeyValue(config);
  if (G === 1) return x;
  const grouped = g.op('Unsqueeze', [x, k.ints([2], 'group_axis')], {}, { name: `${name}.unsqueeze` });          // [B, KV, 1, S, D]
  const tiled = g.op('Tile', [grouped, k.ints([1, 1, G, 1, 1], `group_repeats_${G}`)], {}, { name: `${name}.tile` }); // [B, KV, G, S, D]
  return g.op('Reshape', [tiled, k.ints([0, config.num_attention_heads, -1, config.head_dim], 'grouped_heads_shape')], {}, { name });
}

/** SwiGLU: down(silu(gate(x)) ⊙ up(x)), silu(z) = z·σ(z). */
function mlp(g: GraphBuilder, config: LlamaConfig, layer: number, x: string, param: ParameterResolver): string {
  const prefix = `layers.${layer}.mlp`;
  const proj = (which: string, input: string) =>
    linear(g, input, param(layerParam(layer, `mlp.${which}.weight`)), config.mlp_bias ? param(layerParam(layer, `mlp.${which}.bias`)) : undefined, `${prefix}.${which}`);
  const gate = proj('gate_proj', x);
  const silu = g.op('Mul', [gate, g.op('Sigmoid', [gate], {}, { name: `${prefix}.gate_sigmoid` })], {}, { name: `${prefix}.silu` });
  const product = g.op('Mul', [silu, proj('up_proj', x)], {}, { name: `${prefix}.gated` });
  return proj('down_proj', product);
}

/** y = x·Wᵀ (+ b) for W stored (out, in), as torch.nn.Linear stores it. */
function linear(g: GraphBuilder, x: string, weight: string, bias: string | undefined, name: string): string {
  const wT = g.op('Transpose', [weight], { perm: attr.ints([1, 0]) }, { name: `${name}.weight_t` });
  const product = g.op('MatMul', [x, wT], {}, { name: bias ? `${name}.matmul` : name });
  return bias ? g.op('Add', [product, bias], {}, { name }) : product;
}

/** RMSNorm (Zhang & Sennrich 2019): x / √(mean(x²) + ε) · gain, over the last axis, with no mean subtracted and no bias. */
function rmsNorm(g: GraphBuilder, k: Constants, config: LlamaConfig, x: string, gain: string, name: string): string {
  const meanSquare = g.op('ReduceMean', [g.op('Mul', [x, x], {}, { name: `${name}.square` }), k.ints([-1], 'last_axis')], { keepdims: attr.int(1) }, { name: `${name}.mean_square` });
  const rms = g.op('Sqrt', [g.op('Add', [meanSquare, k.scalar(config.rms_norm_eps, 'rms_norm_eps')], {}, { name: `${name}.plus_eps` })], {}, { name: `${name}.rms` });
  return g.op('Mul', [g.op('Div', [x, rms], {}, { name: `${name}.normalized` }), gain], {}, { name });
}
