// Small decode graphs in the Optimum layout whose logits depend on every input the runtime feeds,
// with a plain TypeScript reference. They let the runtime's tests vary the layout (no past, no
// position_ids, symbolic head sizes, float16) without a full transformer.
//
// The toy model: token t embeds to e_t = E[x_t], split into heads like keys. Layer i stores
// (i+1)·e as keys and -(i+1)·e as values, so each layer's cache is distinguishable. Then
//   logits_t = (Σ_{j≤t} e_j + P[position_t]) · W + (Σ attention_mask) · u
// (the mask term can be switched off), where the sum over earlier tokens is read back from the past keys and values of every layer.

import { attr, GraphBuilder, type Dim } from '../../extension/engine/onnx';

export interface ToyOptions {
  readonly layers: number;
  readonly heads: number;
  readonly headDim: number;
  readonly vocab: number;
  readonly context: number;
  /** past_key_values inputs and present outputs. */
  readonly past: boolean;
  readonly positionIds: boolean;
  /** Head count and head size left symbolic in the graph's past inputs, so config.json must give them. */
  readonly symbolicHeads: boolean;
  /** Past, present and logits in float16. */
  readonly float16: boolean;
  /** Adds (Σ attention_mask)·u to the logits, so a wrong mask length shows. */
  readonly maskTerm: boolean;
}

export const TOY_DEFAULTS: ToyOptions = { layers: 2, heads: 2, headDim: 4, vocab: 11, context: 32, past: true, positionIds: true, symbolicHeads: false, float16: false, maskTerm: true };

export interface ToyWeights {
  readonly E: Float32Array;
  readonly P: Float32Array;
  readonly W: Float32Array;
  readonly u: Float32Array;
}

export function toyWeights(options: ToyOptions, seed = 1): ToyWeights {
  let state = seed;
  const random = (n: number): Float32Array =>
    Float32Array.from({ length: n }, () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 2 ** 32 - 0.5;
    });
  const D = options.heads * options.headDim;
  return { E: random(options.vocab * D), P: random(options.context * D), W: random(D * options.vocab), u: random(options.vocab) };
}

export function buildToyDecodeGraph(options: ToyOptions, weights: ToyWeights): Uint8Array {
  const { heads: H, headDim: Dh, vocab: V, context } = options;
  const D = H * Dh;
  const g = new GraphBuilder({ name: 'toy_decode' });
  const ids = g.input('input_ids', 'int64', ['batch', 'seq']);
  const mask = g.input('attention_mask', 'int64', ['batch', 'total']);
  const positions = options.positionIds ? g.input('position_ids', 'int64', ['batch', 'seq']) : undefined;
  const E = g.initializer('E', weights.E, [V, D]);
  const embedded = g.op('Gather', [E, ids], { axis: attr.int(0) });
  const split = g.op('Reshape', [embedded, g.constant(BigInt64Array.from([1n, -1n, BigInt(H), BigInt(Dh)]), [4])]);
  const keysNew = g.op('Transpose', [split], { perm: attr.ints([0, 2, 1, 3]) }); // [1, H, seq, Dh]
  let state = g.op('CumSum', [keysNew, g.constant(BigInt64Array.from([2n]), [])]);

  if (options.past) {
    const pastDims: Dim[] = options.symbolicHeads ? ['batch', 'kv_heads', 'past', 'head_dim'] : ['batch', H, 'past', Dh];
    const floatType = options.float16 ? 'float16' : 'float32';
    const seqAxis = g.constant(BigInt64Array.from([2n]), [1]);
    for (let i = 0; i < options.layers; i++) {
      const scale = i + 1;
      for (const [kind, sign] of [['key', 1], ['value', -1]] as const) {
        const past = g.input(`past_key_values.${i}.${kind}`, floatType, pastDims);
        const fresh = g.op('Mul', [keysNew, g.constant(Float32Array.from([sign * scale]), [])]);
        const stored = options.float16 ? g.op('Cast', [fresh], { to: attr.int(10) }) : fresh;
        g.output(g.op('Concat', [past, stored], { axis: attr.int(2) }), { name: `present.${i}.${kind}`, dtype: floatType, dims: ['batch', H, 'total', Dh] });
        const pastFloat = options.float16 ? g.op('Cast', [past], { to: attr.int(1) }) : past;
        const pastSum = g.op('ReduceSum', [pastFloat, seqAxis], { keepdims: attr.int(1) });
        // Each layer's sign·scale·Σe, undone and averaged over the 2·layers tensors: Σ over past tokens of e.
        const undone = g.op('Mul', [pastSum, g.constant(Float32Array.from([sign / scale / (2 * options.layers)]), [])]);
        state = g.op('Add', [state, undone]);
      }
    }
  }

  const merged = g.op('Reshape', [g.op('Transpose', [state], { perm: attr.ints([0, 2, 1, 3]) }), g.constant(BigInt64Array.from([1n, -1n, BigInt(D)]), [3])]);
  const withPositions = positions ? g.op('Add', [merged, g.op('Gather', [g.initializer('P', weights.P, [context, D]), positions], { axis: attr.int(0) })]) : merged;
  const projected = g.op('MatMul', [withPositions, g.initializer('W', weights.W, [D, V])]);
  const maskSum = g.op('Cast', [g.op('ReduceSum', [mask], { keepdims: attr.int(0) })], { to: attr.int(1) });
  const maskScale = options.maskTerm ? weights.u : new Float32Array(V);
  const logits = g.op('Add', [projected, g.op('Mul', [maskSum, g.initializer('u', maskScale, [V])])]);
  const logitsOut = options.float16 ? g.op('Cast', [logits], { to: attr.int(10) }) : logits;
  g.output(logitsOut, { name: 'logits', dtype: options.float16 ? 'float16' : 'float32', dims: ['batch', 'seq', V] });
  return g.toBytes();
}

/** Logits at position t of `tokens` when the graph was fed `total` tokens in all (the attention mask's length). */
export function toyLogits(options: ToyOptions, weights: ToyWeights, tokens: readonly number[], t: number, total: number): Float32Array {
  const D = options.heads * options.headDim;
  const state = new Float64Array(D);
  for (let j = 0; j <= t; j++) for (let d = 0; d < D; d++) state[d] += weights.E[tokens[j] * D + d];
  if (options.positionIds) for (let d = 0; d < D; d++) state[d] += weights.P[t * D + d];
  const out = new Float32Array(options.vocab);
  for (let v = 0; v < options.vocab; v++) {
    let sum = options.maskTerm ? total * weights.u[v] : 0;
    for (let d = 0; d < D; d++) sum += state[d] * weights.W[d * options.vocab + v];
    out[v] = sum;
  }
  return out;
}
