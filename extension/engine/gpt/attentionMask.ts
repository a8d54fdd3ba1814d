// Which keys each query may attend to, as an additive bias on the attention scores.
// The T new tokens sit at absolute positions past..past+T-1 among S = past+T keys. Query t may
// attend to key s when s <= past + t (causality) and attention_mask[b, s] = 1 (not padding):
//
//   bias[b, 0, t, s] = 0 if allowed, MASKED otherwise        [B, 1, T, S]
//
// MASKED is finite so that a row with no allowed key (a padding query) gives a uniform row, not NaN.
// Ops: Shape, Gather, Sub, Range, Unsqueeze, LessOrEqual, Cast, And, Where (default domain).
import { attr, type GraphBuilder } from '../onnx';

export const MASKED = -1e9;

/** Bias [B, 1, T, S] for the decode graph: causal over past + new tokens, and padding keys masked. */
export function emitDecodeAttentionBias(g: GraphBuilder, inputIds: string, attentionMask: string): string {
  const newTokens = dimension(g, inputIds, 1, 'new_tokens');   // T
  const allTokens = dimension(g, attentionMask, 1, 'all_tokens'); // S
  const pastTokens = g.op('Sub', [allTokens, newTokens], {}, { name: 'past_tokens' });
  const causal = causalAllowed(g, pastTokens, allTokens);       // [T, S]
  const notPadding = g.op('Cast', [attentionMask], { to: attr.int(9) }, { name: 'mask.not_padding' }); // bool [B, S]
  const keys = g.op('Unsqueeze', [notPadding, g.constant(BigInt64Array.of(1n, 2n), [2], 'mask.axes')], {}, { name: 'mask.keys' }); // [B, 1, 1, S]
  return biasFrom(g, g.op('And', [causal, keys], {}, { name: 'mask.allowed' }));
}

/** int64 scalar T: the number of tokens in input_ids [B, T]. */
export function emitSequenceLength(g: GraphBuilder, inputIds: string): string {
  return dimension(g, inputIds, 1, 'tokens');
}

/** Bias [T, T] for a whole sequence of `length` tokens (int64 scalar), without cache or padding: query t sees keys 0..t. */
export function emitCausalAttentionBias(g: GraphBuilder, length: string): string {
  return biasFrom(g, causalAllowed(g, g.constant(BigInt64Array.of(0n), [], 'zero'), length));
}

/** int64 [T]: the positions 0..T-1 of a sequence of `length` tokens, for the position embedding. */
export function emitPositions(g: GraphBuilder, length: string): string {
  return g.op('Range', [g.constant(BigInt64Array.of(0n), [], 'zero'), length, g.constant(BigInt64Array.of(1n), [], 'one')], {}, { name: 'positions' });
}

/** bool [T, S]: key position s <= query position, where queries are at first .. S-1. */
function causalAllowed(g: GraphBuilder, first: string, keyCount: string): string {
  const zero = g.constant(BigInt64Array.of(0n), [], 'zero');
  const one = g.constant(BigInt64Array.of(1n), [], 'one');
  const queryPositions = g.op('Range', [first, keyCount, one], {}, { name: 'mask.query_positions' }); // [T]
  const keyPositions = g.op('Range', [zero, keyCount, one], {}, { name: 'mask.key_positions' });     // [S]
  const column = g.op('Unsqueeze', [queryPositions, g.constant(BigInt64Array.of(1n), [1], 'mask.axis1')], {}, { name: 'mask.query_column' }); // [T, 1]
  const row = g.op('Unsqueeze', [keyPositions, g.constant(BigInt64Array.of(0n), [1], 'mask.axis0')], {}, { name: 'mask.key_row' });         // [1, S]
  return g.op('LessOrEqual', [row, column], {}, { name: 'mask.causal' });
}

function biasFrom(g: GraphBuilder, allowed: string): string {
  const zero = g.constant(Float32Array.of(0), [], 'mask.zero');
  const masked = g.constant(Float32Array.of(MASKED), [], 'mask.masked');
  return g.op('Where', [allowed, zero, masked], {}, { name: 'attention_bias' });
}

/** A scalar int64: dimension `axis` of `value`'s shape. */
function dimension(g: GraphBuilder, value: string, axis: number, name: string): string {
  const shape = g.op('Shape', [value], {}, { name: `${name}.shape` });
  return g.op('Gather', [shape, g.constant(BigInt64Array.of(BigInt(axis)), [], `${name}.axis`)], { axis: attr.int(0) }, { name });
}
