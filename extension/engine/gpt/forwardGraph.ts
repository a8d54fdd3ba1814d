// The GPT-2 forward pass, written once, emitted into any GraphBuilder. The decode graph, the
// inspection graph and the training graph all call emitGPT2Forward; they differ only in where the
// parameters come from (initializers or graph inputs), the attention bias, and the outputs they keep.
//
//   x = wte[input_ids] + wpe[position_ids]                       [B, T, C]
//   for each block:  x = x + attn(ln_1(x));  x = x + mlp(ln_2(x))
//   logits = ln_f(x) · wteᵀ                                      [B, T, vocab]
//
// Ops used (all in the default ONNX domain, opset 20, so the autodiff can differentiate them):
// Gather, Add, Mul, MatMul, Transpose, Reshape, Split, Concat, Softmax, LayerNormalization, Gelu,
// and Dropout in training graphs that ask for it.
// Reshape targets, the Split and the attention scale are initializers.
import { attr, type GraphBuilder } from '../onnx';
import { headDim, type GPTConfig } from './config';
import { blockParam, LN_F_BIAS, LN_F_WEIGHT, WPE, WTE } from './parameters';

/**
 * Resolves a Hugging Face parameter name to the graph value holding it. emitGPT2Forward asks once
 * per name, so a resolver may emit nodes (a LoRA update W + A·B, say) without repeating them.
 */
export type ParameterResolver = (name: string) => string;

export interface KeyValue {
  /** [B, n_head, S, head_dim] */
  readonly key: string;
  /** [B, n_head, S, head_dim] */
  readonly value: string;
}

export interface GPT2ForwardInputs {
  /** int64 [B, T] */
  readonly inputIds: string;
  /** int64 [B, T] or [T]: the absolute position of each token. */
  readonly positionIds: string;
  /**
   * float32, broadcastable to [B, n_head, T, S] with S = past + T: 0 where query t may attend to
   * key s, a large negative number where not. It is added to the scores before the Softmax.
   */
  readonly attentionBias: string;
  /** Keys and values of earlier tokens, one per layer; S = past + T when given, else S = T. */
  readonly past?: readonly KeyValue[];
  /**
   * Names for layer i's keys and values of all S tokens when they are graph outputs (the decode
   * graph's present.{i}.key|value). Naming the Concat that makes them saves the Identity a renamed
   * output would need, a copy of the whole cache per layer at every step.
   */
  readonly presentNames?: (layer: number) => KeyValue;
  /**
   * Training graphs only: zero each activation with probability `ratio` (and scale the rest by
   * 1 / (1 − ratio)) after the embeddings and on each block's attention and MLP outputs before they
   * join the residual stream: GPT-2's embd_pdrop and resid_pdrop. Each Dropout node draws its own
   * mask at every step from `seed` plus its index.
   */
  readonly dropout?: { readonly ratio: number; readonly seed: number };
}

export interface GPT2ForwardOutputs {
  /** float32 [B, T, vocab] */
  readonly logits: string;
  /** n_layer + 1 residual streams [B, T, C]: [0] the embeddings, [i] the output of block i (1-based), before ln_f. */
  readonly hiddenStates: readonly string[];
  /** Attention probabilities per layer, [B, n_head, T, S]; each row sums to 1. */
  readonly attentions: readonly string[];
  /** Keys and values of all S tokens per layer, to feed back as `past` for the next tokens. */
  readonly presents: readonly KeyValue[];
  /** wteᵀ [C, vocab], for emitLMHead on other residual streams (the logit lens). */
  readonly outputWeight: string;
}

/** A resolver that asks `resolve` once per name and repeats its answer after. */
export function resolveOnce(resolve: ParameterResolver): ParameterResolver {
  const resolved = new Map<string, string>();
  return (name) => {
    let value = resolved.get(name);
    if (value === undefined) resolved.set(name, (value = resolve(name)));
    return value;
  };
}

/** Shared constants (reshape targets, the attention scale), created once per builder. */
export class Constants {
  private readonly cache = new Map<string, string>();
  constructor(private readonly g: GraphBuilder) {}

  ints(values: readonly number[], hint: string): string {
    return this.get(`i${values.join(',')}`, () => this.g.constant(BigInt64Array.from(values, (v) => BigInt(v)), [values.length], hint));
  }

  scalar(value: number, hint: string): string {
    return this.get(`f${value}`, () => this.g.constant(Float32Array.of(value), [], hint));
  }

  private get(key: string, make: () => string): string {
    let name = this.cache.get(key);
    if (!name) this.cache.set(key, (name = make()));
    return name;
  }
}

export function emitGPT2Forward(g: GraphBuilder, config: GPTConfig, inputs: GPT2ForwardInputs, resolve: ParameterResolver = (n) => n): GPT2ForwardOutputs {
  const param = resolveOnce(resolve);
  const k = new Constants(g);
  const tokens = g.op('Gather', [param(WTE), inputs.inputIds], { axis: attr.int(0) }, { name: 'wte_lookup' });
  const positions = g.op('Gather', [param(WPE), inputs.positionIds], { axis: attr.int(0) }, { name: 'wpe_lookup' });
  const drop = dropoutEmitter(g, inputs.dropout);
  let x = drop(g.op('Add', [tokens, positions], {}, { name: 'embeddings' }), 'embeddings.dropout');

  const hiddenStates = [x];
  const attentions: string[] = [];
  const presents: KeyValue[] = [];
  for (let i = 0; i < config.n_layer; i++) {
    const p = (rest: string) => param(blockParam(i, rest));
    const name = (what: string) => ({ name: `h.${i}.${what}` });

    const a = attention(g, k, config, i, layerNorm(g, config, x, p('ln_1.weight'), p('ln_1.bias'), `h.${i}.ln_1`), inputs.attentionBias, inputs.past?.[i], inputs.presentNames?.(i), param);
    attentions.push(a.probs);
    presents.push(a.present);
    x = g.op('Add', [x, drop(a.out, `h.${i}.attn.dropout`)], {}, name('attn_residual'));

    const h = conv1d(g, layerNorm(g, config, x, p('ln_2.weight'), p('ln_2.bias'), `h.${i}.ln_2`), p('mlp.c_fc.weight'), p('mlp.c_fc.bias'), `h.${i}.mlp.c_fc`);
    const m = conv1d(g, g.op('Gelu', [h], { approximate: attr.string('tanh') }, name('mlp.gelu')), p('mlp.c_proj.weight'), p('mlp.c_proj.bias'), `h.${i}.mlp.c_proj`);
    x = g.op('Add', [x, drop(m, `h.${i}.mlp.dropout`)], {}, name('mlp_residual'));
    hiddenStates.push(x);
  }
  const outputWeight = emitOutputWeight(g, param);
  return { logits: emitLMHead(g, config, x, outputWeight, param, 'logits'), hiddenStates, attentions, presents, outputWeight };
}

/** Dropout in training mode with its mask as a second output (the gradient rule reads it); no node at all without dropout. */
function dropoutEmitter(g: GraphBuilder, dropout: GPT2ForwardInputs['dropout']): (x: string, name: string) => string {
  if (!dropout || dropout.ratio === 0) return (x) => x;
  const ratio = g.constant(Float32Array.of(dropout.ratio), [], 'dropout_ratio');
  const training = g.constant(Uint8Array.of(1), [], 'training_mode', 'bool');
  let index = 0;
  return (x, name) => g.node('Dropout', [x, ratio, training], { seed: attr.int(dropout.seed + index++) }, { name, outputs: 2 })[0];
}

/** wteᵀ [C, vocab]: the output layer's weight, the token embedding transposed (tied embeddings). */
export function emitOutputWeight(g: GraphBuilder, param: ParameterResolver = (n) => n): string {
  return g.op('Transpose', [param(WTE)], { perm: attr.ints([1, 0]) }, { name: 'wte_t' });
}

/** logits = ln_f(h) · wteᵀ: the output layer, also used by the logit lens on earlier residual streams. */
export function emitLMHead(g: GraphBuilder, config: GPTConfig, hidden: string, outputWeight: string, param: ParameterResolver = (n) => n, name = 'lm_head'): string {
  const normed = layerNorm(g, config, hidden, param(LN_F_WEIGHT), param(LN_F_BIAS), `${name}.ln_f`);
  return g.op('MatMul', [normed, outputWeight], {}, { name });
}

/**
 * The cache after this step: earlier keys (or values) followed by the new ones along the sequence
 * axis, [B, heads, past, D] ‖ [B, heads, T, D]. `outputName` names the result when it is a graph
 * output (see GPT2ForwardInputs.presentNames).
 */
export function emitCacheAppend(g: GraphBuilder, past: string, added: string, nodeName: string, outputName?: string): string {
  return g.node('Concat', [past, added], { axis: attr.int(2) }, { name: nodeName, ...(outputName ? { outputs: [outputName] } : {}) })[0];
}

/** Causal self-attention of block `layer`: y = softmax(q·kᵀ/√d + bias)·v, heads concatenated, then c_proj. */
function attention(g: GraphBuilder, k: Constants, config: GPTConfig, layer: number, x: string, bias: string, past: KeyValue | undefined, presentNames: KeyValue | undefined, param: ParameterResolver) {
  const C = config.n_embd;
  const H = config.n_head;
  const D = headDim(config);
  const p = (rest: string) => param(blockParam(layer, `attn.${rest}`));
  const name = (what: string) => ({ name: `h.${layer}.attn.${what}` });

  const qkv = conv1d(g, x, p('c_attn.weight'), p('c_attn.bias'), `h.${layer}.attn.c_attn`);       // [B, T, 3C]
  const [q, kNew, vNew] = g.node('Split', [qkv, k.ints([C, C, C], 'qkv_sizes')], { axis: attr.int(-1) }, { name: `h.${layer}.attn.split`, outputs: 3 });
  // [B, T, C] -> [B, T, H, D] -> [B, H, T, D]
  const heads = (v: string, what: string) =>
    g.op('Transpose', [g.op('Reshape', [v, k.ints([0, 0, H, D], 'heads_shape')], {}, name(`${what}_split_heads`))], { perm: attr.ints([0, 2, 1, 3]) }, name(what));
  let keys = heads(kNew, 'k');
  let values = heads(vNew, 'v');
  if (past) {
    keys = emitCacheAppend(g, past.key, keys, name('present_k').name, presentNames?.key);        // [B, H, S, D]
    values = emitCacheAppend(g, past.value, values, name('present_v').name, presentNames?.value);
  }
  const kT = g.op('Transpose', [keys], { perm: attr.ints([0, 1, 3, 2]) }, name('k_t'));         // [B, H, D, S]
  const scores = g.op('Mul', [g.op('MatMul', [heads(q, 'q'), kT], {}, name('qk')), k.scalar(1 / Math.sqrt(D), 'attn_scale')], {}, name('scores'));
  const probs = g.op('Softmax', [g.op('Add', [scores, bias], {}, name('masked_scores'))], { axis: attr.int(-1) }, name('probs')); // [B, H, T, S]
  const y = g.op('MatMul', [probs, values], {}, name('weighted_values'));                     // [B, H, T, D]
  const merged = g.op('Reshape', [g.op('Transpose', [y], { perm: attr.ints([0, 2, 1, 3]) }, name('merge_heads')), k.ints([0, 0, C], 'merged_shape')], {}, name('merged'));
  const out = conv1d(g, merged, p('c_proj.weight'), p('c_proj.bias'), `h.${layer}.attn.c_proj`);
  return { probs, out, present: { key: keys, value: values } };
}

/** Hugging Face's Conv1D: y = x·W + b with W stored (in, out). */
function conv1d(g: GraphBuilder, x: string, w: string, b: string, name: string): string {
  return g.op('Add', [g.op('MatMul', [x, w], {}, { name: `${name}.matmul` }), b], {}, { name });
}

function layerNorm(g: GraphBuilder, config: GPTConfig, x: string, weight: string, bias: string, name: string): string {
  return g.op('LayerNormalization', [x, weight, bias], { axis: attr.int(-1), epsilon: attr.float(config.layer_norm_epsilon) }, { name });
}
