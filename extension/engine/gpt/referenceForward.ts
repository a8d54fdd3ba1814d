// GPT-2's forward pass in plain TypeScript, one token sequence at a time. It is slow and simple on
// purpose: it is the specification the ONNX graphs are tested against, and it reads like nanoGPT's
// model.py. Matrices are row-major Float32Arrays; shapes are in the comments (T tokens, C = n_embd,
// H heads of D = C/H dims, V = vocab_size).
import { headDim, type GPTConfig } from './config';
import { blockParam, LN_F_BIAS, LN_F_WEIGHT, WPE, WTE } from './parameters';
import type { Tensor, TensorMap } from './tensor';

export interface ReferenceOutputs {
  /** [T, V] */
  readonly logits: Float32Array;
  /** Per layer, the attention probabilities [H, T, T]; row t sums to 1 over keys 0..t. */
  readonly attentions: Float32Array[];
  /** n_layer + 1 residual streams [T, C]: the embeddings, then the output of each block (before ln_f). */
  readonly hiddenStates: Float32Array[];
}

export function referenceForward(config: GPTConfig, weights: TensorMap, tokens: readonly number[], positions: readonly number[] = tokens.map((_, t) => t)): ReferenceOutputs {
  const C = config.n_embd;
  const T = tokens.length;
  const w = (name: string): Tensor => {
    const tensor = weights.get(name);
    if (!tensor) throw new Error(`weights: ${name} is missing`);
    return tensor;
  };

  // x = wte[token] + wpe[position]                                  [T, C]
  let x: Float32Array = new Float32Array(T * C);
  for (let t = 0; t < T; t++) {
    for (let c = 0; c < C; c++) x[t * C + c] = w(WTE).data[tokens[t] * C + c] + w(WPE).data[positions[t] * C + c];
  }

  const hiddenStates = [x];
  const attentions: Float32Array[] = [];
  for (let i = 0; i < config.n_layer; i++) {
    const p = (rest: string) => w(blockParam(i, rest));
    // x = x + attn(ln_1(x))
    const attn = causalSelfAttention(config, layerNorm(x, T, p('ln_1.weight'), p('ln_1.bias'), config.layer_norm_epsilon), T, p);
    attentions.push(attn.probs);
    x = add(x, attn.y);
    // x = x + mlp(ln_2(x)),  mlp(h) = gelu(h·W_fc + b_fc)·W_proj + b_proj
    const h = linear(layerNorm(x, T, p('ln_2.weight'), p('ln_2.bias'), config.layer_norm_epsilon), T, p('mlp.c_fc.weight'), p('mlp.c_fc.bias'));
    x = add(x, linear(h.map(gelu), T, p('mlp.c_proj.weight'), p('mlp.c_proj.bias')));
    hiddenStates.push(x);
  }

  // logits = ln_f(x)·wteᵀ                                           [T, V]
  const normed = layerNorm(x, T, w(LN_F_WEIGHT), w(LN_F_BIAS), config.layer_norm_epsilon);
  const V = config.vocab_size;
  const logits = new Float32Array(T * V);
  for (let t = 0; t < T; t++) {
    for (let v = 0; v < V; v++) logits[t * V + v] = dot(normed, t * C, w(WTE).data, v * C, C);
  }
  return { logits, attentions, hiddenStates };
}

/** Multi-head causal self-attention: per head, softmax(q·kᵀ/√D with future keys masked)·v, then c_proj. */
function causalSelfAttention(config: GPTConfig, x: Float32Array, T: number, p: (rest: string) => Tensor) {
  const C = config.n_embd;
  const H = config.n_head;
  const D = headDim(config);
  const qkv = linear(x, T, p('attn.c_attn.weight'), p('attn.c_attn.bias'));   // [T, 3C]: q | k | v
  const at = (t: number, part: number, head: number) => t * 3 * C + part * C + head * D;

  const probs = new Float32Array(H * T * T);                                  // [H, T, T]
  const y = new Float32Array(T * C);                                          // [T, C], heads side by side
  for (let h = 0; h < H; h++) {
    for (let t = 0; t < T; t++) {
      // scores over keys 0..t; later keys stay at probability 0 (the causal mask)
      const scores = new Float64Array(t + 1);
      for (let s = 0; s <= t; s++) scores[s] = dot(qkv, at(t, 0, h), qkv, at(s, 1, h), D) / Math.sqrt(D);
      const row = softmax(scores);
      for (let s = 0; s <= t; s++) {
        probs[(h * T + t) * T + s] = row[s];
        for (let d = 0; d < D; d++) y[t * C + h * D + d] += row[s] * qkv[at(s, 2, h) + d];
      }
    }
  }
  return { probs, y: linear(y, T, p('attn.c_proj.weight'), p('attn.c_proj.bias')) };
}

/** y = x·W + b for x [T, in], W [in, out] (Hugging Face Conv1D layout). */
function linear(x: Float32Array, T: number, W: Tensor, b: Tensor): Float32Array {
  const [nIn, nOut] = W.dims;
  const y = new Float32Array(T * nOut);
  for (let t = 0; t < T; t++) {
    for (let o = 0; o < nOut; o++) {
      let sum = b.data[o];
      for (let k = 0; k < nIn; k++) sum += x[t * nIn + k] * W.data[k * nOut + o];
      y[t * nOut + o] = sum;
    }
  }
  return y;
}

/** Per row: (x - mean)/√(variance + ε)·gain + bias. */
function layerNorm(x: Float32Array, T: number, gain: Tensor, bias: Tensor, eps: number): Float32Array {
  const C = gain.dims[0];
  const y = new Float32Array(x.length);
  for (let t = 0; t < T; t++) {
    const row = x.subarray(t * C, (t + 1) * C);
    const mean = row.reduce((s, v) => s + v, 0) / C;
    const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / C;
    const scale = 1 / Math.sqrt(variance + eps);
    for (let c = 0; c < C; c++) y[t * C + c] = (row[c] - mean) * scale * gain.data[c] + bias.data[c];
  }
  return y;
}

/** GELU, tanh approximation (Hendrycks & Gimpel 2016), as GPT-2 uses. */
function gelu(x: number): number {
  return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
}

function softmax(scores: Float64Array): Float64Array {
  const max = Math.max(...scores);
  const e = scores.map((s) => Math.exp(s - max));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}

function add(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((v, i) => v + b[i]);
}

/** Σ a[i + k]·b[j + k] for k < n, accumulated in double precision. */
function dot(a: Float32Array, i: number, b: Float32Array, j: number, n: number): number {
  let sum = 0;
  for (let k = 0; k < n; k++) sum += a[i + k] * b[j + k];
  return sum;
}
