// Gradients of ops that only move values around. Each routes dY back to where the values came from:
// the inverse permutation, the inverse reshape, the matching split or concatenation, zeros padded
// around a slice, the sum over the copies a Tile made, and for Gather (the embedding lookup) a
// scatter-add into the table's rows.

import { attr } from '../../onnx/attributes';
import type { GradientRule } from '../context';
import { sliceRanges, splitEvenly } from '../shapes';

const normalizeAxis = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);
const intAttr = (a: { kind: string; value: unknown } | undefined, fallback: number): number => (a && a.kind === 'int' ? (a.value as number) : fallback);

// Y = transpose(X, perm):  dX = transpose(dY, perm⁻¹)
const transpose: GradientRule = (node, [dY], ctx) => {
  if (!dY) return [];
  const rank = ctx.dims(node.inputs[0]).length;
  const p = node.attributes.perm;
  const perm = p && p.kind === 'ints' ? p.value : Array.from({ length: rank }, (_, i) => rank - 1 - i);
  const inverse = new Array<number>(rank);
  perm.forEach((axis, i) => (inverse[axis] = i));
  return [ctx.op('Transpose', [dY], { perm: attr.ints(inverse) })];
};

// Y = reshape(X) (also Squeeze, Unsqueeze): same values, other shape.  dX = reshape(dY, shape of X)
const reshape: GradientRule = (node, [dY], ctx) => [dY && ctx.reshape(dY, ctx.dims(node.inputs[0]))];

// Y = concat(X₁ … Xₙ, axis):  dXₖ = the k-th piece of dY along that axis
const concat: GradientRule = (node, [dY], ctx) => {
  if (!dY) return [];
  const rank = ctx.dims(node.inputs[0]).length;
  const axis = normalizeAxis(intAttr(node.attributes.axis, 0), rank);
  const sizes = node.inputs.map((x) => ctx.dims(x)[axis]);
  return ctx.g.node('Split', [dY, ctx.ints(sizes)], { axis: attr.int(axis) }, { name: 'grad_Split', outputs: sizes.length });
};

// (Y₁ … Yₙ) = split(X, axis):  dX = concat(dY₁ … dYₙ), zeros for outputs the loss does not use
const split: GradientRule = (node, dYs, ctx) => {
  const x = node.inputs[0];
  const { dtype, dims } = ctx.info(x);
  const axis = normalizeAxis(intAttr(node.attributes.axis, 0), dims.length);
  const sizes = node.inputs[1] ? ctx.shapes.ints(node.inputs[1]) : splitEvenly(dims[axis], node.outputs.length);
  if (!sizes) throw new Error(`Split ${node.name}: its split sizes must be constants to differentiate it`);
  const pieces = sizes.map((size, k) => dYs[k] ?? ctx.op('Expand', [ctx.scalar(0, dtype), ctx.ints(dims.map((d, i) => (i === axis ? size : d)))]));
  return [ctx.op('Concat', pieces, { axis: attr.int(axis) })];
};

// Y = X[start:end] along some axes (step 1):  dX = dY padded with zeros back to X's shape
const slice: GradientRule = (node, [dY], ctx) => {
  if (!dY) return [];
  const x = node.inputs[0];
  const dims = ctx.dims(x);
  const ranges = sliceRanges(node, dims, (n) => {
    const v = ctx.shapes.ints(n);
    if (!v) throw new Error(`Slice ${node.name}: its starts, ends, axes and steps must be constants to differentiate it`);
    return v;
  });
  if (ranges.some((r) => r.step !== 1)) throw new Error(`Slice ${node.name}: the gradient rule handles step 1 only`);
  const before = ranges.map((r) => r.start);
  const after = ranges.map((r, i) => dims[i] - r.start - r.length);
  return [ctx.op('Pad', [dY, ctx.ints([...before, ...after])])];
};

// Y = expand(X, shape): broadcasting.  dX = dY summed back to X's shape
const expand: GradientRule = (node, [dY], ctx) => [dY && ctx.sumToShape(dY, ctx.dims(node.outputs[0]), ctx.dims(node.inputs[0]))];

// Y = tile(X, repeats): copy r_i of X side by side along each axis i (grouped-query attention's
// repeat of each key/value head).  X: [d₀, d₁, …]  Y: [r₀·d₀, r₁·d₁, …]
//   dX = Σ over the copies of dY:  reshape dY to [r₀, d₀, r₁, d₁, …] (copy index before the
//   index within a copy, as Tile lays them out) and sum the r axes: [d₀, d₁, …] remain.
const tile: GradientRule = (node, [dY], ctx) => {
  if (!dY) return [];
  const dims = ctx.dims(node.inputs[0]);
  const repeats = ctx.shapes.ints(node.inputs[1]);
  if (!repeats) throw new Error(`Tile ${node.name}: its repeats must be constants to differentiate it`);
  const copies = ctx.reshape(dY, dims.flatMap((d, i) => [repeats[i], d]));
  return [ctx.reduceSum(copies, dims.map((_, i) => 2 * i), false)];
};

// Y = gather(Table, Idx) along axis 0, the embedding lookup: Y[i…] = Table[Idx[i…]].
//   Table: [V, C]   Idx: [B, T]   Y: [B, T, C]
//   dTable[v] = Σ_{i : Idx[i] = v} dY[i]   (rows that appear several times add up; unused rows get 0)
const gather: GradientRule = (node, [dY], ctx) => {
  if (!dY || !ctx.needs(node, 0)) return [];
  const [table, indices] = node.inputs;
  const { dtype, dims } = ctx.info(table);
  if (normalizeAxis(intAttr(node.attributes.axis, 0), dims.length) !== 0) throw new Error(`Gather ${node.name}: the gradient rule handles axis 0 only`);
  const zeros = ctx.op('Expand', [ctx.scalar(0, dtype), ctx.ints(dims)]); // [V, C]
  const idx = ctx.op('Unsqueeze', [indices, ctx.ints([-1])]); //            [B, T, 1]
  return [ctx.g.op('ScatterND', [zeros, idx, dY], { reduction: attr.string('add') }, { name: 'grad_ScatterND' })];
};

export const SHAPE_RULES: Record<string, GradientRule> = {
  Transpose: transpose, Reshape: reshape, Squeeze: reshape, Unsqueeze: reshape,
  Concat: concat, Split: split, Slice: slice, Expand: expand, Tile: tile, Gather: gather,
};
