// Static shape inference for the graphs the autodiff differentiates. Gradient rules need the
// shape of every forward value: to sum a broadcast gradient back to an input's shape, to undo a
// Reshape, to size the zeros of an embedding gradient. Training graphs have fixed batch and
// context sizes, so every dim is a number here; a symbolic dim is an error that says so.
//
// Integer tensors that shapes are made of (Shape → Gather → Concat → Reshape) are also folded to
// their values, so a Reshape whose target shape is computed in the graph still has a static shape.

import type { GraphBuilder, NodeSpec } from '../onnx/builder';
import type { DType, TypedArray } from '../onnx/tensorData';

export interface StaticInfo {
  readonly dtype: DType;
  readonly dims: readonly number[];
}

export interface ShapeTable {
  info(name: string): StaticInfo;
  /** Values of a small integer tensor known at build time (shape vectors, axes), if known. */
  ints(name: string): number[] | undefined;
}

const UNARY_SAME = new Set(['Identity', 'Neg', 'Exp', 'Log', 'Tanh', 'Sqrt', 'Reciprocal', 'Abs', 'Relu', 'Sigmoid', 'Erf', 'Gelu', 'Softmax', 'LogSoftmax', 'Trilu', 'Not', 'Sin', 'Cos']);
const BINARY = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or']);
const COMPARISONS = new Set(['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Not']);
const DTYPE_OF_ONNX: Record<number, DType> = { 1: 'float32', 11: 'float64', 7: 'int64', 6: 'int32', 9: 'bool', 10: 'float16' };

/** Numpy-style broadcast of two shapes. */
export function broadcastShapes(a: readonly number[], b: readonly number[], where = 'broadcast'): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new Error(`${where}: shapes [${a}] and [${b}] do not broadcast`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

const normalizeAxis = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

function attrInt(node: NodeSpec, name: string, fallback: number): number {
  const a = node.attributes[name];
  return a && a.kind === 'int' ? a.value : fallback;
}

function attrInts(node: NodeSpec, name: string): number[] | undefined {
  const a = node.attributes[name];
  return a && a.kind === 'ints' ? [...a.value] : undefined;
}

function intArray(data: TypedArray): number[] {
  return Array.from(data as ArrayLike<number | bigint>, (v) => Number(v));
}

/** Walks the builder's nodes in order and infers every value's static dtype and dims. */
export function inferShapes(g: GraphBuilder): ShapeTable {
  const infos = new Map<string, StaticInfo>();
  const values = new Map<string, number[]>();
  const info = (name: string): StaticInfo => {
    const known = infos.get(name);
    if (!known) throw new Error(`shape inference: no static shape for "${name}"`);
    return known;
  };
  const ints = (name: string) => values.get(name);
  const requireInts = (node: NodeSpec, name: string): number[] => {
    const v = values.get(name);
    if (!v) throw new Error(`${node.opType} ${node.name}: input "${name}" must be known at build time for a static shape`);
    return v;
  };

  for (const v of g.inputs) {
    if (!v.dims || v.dims.some((d) => typeof d !== 'number')) {
      throw new Error(`input "${v.name}" has dims [${v.dims ?? '?'}]; the autodiff needs numeric dims (fix batch and context size)`);
    }
    infos.set(v.name, { dtype: v.dtype, dims: v.dims as number[] });
  }
  for (const [name, t] of g.initializers) {
    infos.set(name, { dtype: t.dtype, dims: t.dims });
    if ((t.dtype === 'int64' || t.dtype === 'int32') && t.data.length <= 16) values.set(name, intArray(t.data));
  }

  for (const node of g.nodes) {
    const inputs = node.inputs.map((n) => (n === '' ? undefined : infos.get(n)));
    const set = (k: number, dtype: DType, dims: readonly number[]) => {
      if (node.outputs[k]) infos.set(node.outputs[k], { dtype, dims: [...dims] });
    };
    const need = (k: number): StaticInfo => inputs[k] ?? info(node.inputs[k]);
    const op = node.opType;
    if (UNARY_SAME.has(op)) {
      set(0, COMPARISONS.has(op) ? 'bool' : need(0).dtype, need(0).dims);
    } else if (BINARY.has(op)) {
      set(0, COMPARISONS.has(op) ? 'bool' : need(0).dtype, broadcastShapes(need(0).dims, need(1).dims, `${op} ${node.name}`));
      const a = ints(node.inputs[0]);
      const b = ints(node.inputs[1]);
      if (a && b && (op === 'Add' || op === 'Mul' || op === 'Sub')) {
        const f = op === 'Add' ? (p: number, q: number) => p + q : op === 'Mul' ? (p: number, q: number) => p * q : (p: number, q: number) => p - q;
        const n = Math.max(a.length, b.length);
        values.set(node.outputs[0], Array.from({ length: n }, (_, i) => f(a[a.length === 1 ? 0 : i], b[b.length === 1 ? 0 : i])));
      }
    } else if (op === 'Dropout') {
      set(0, need(0).dtype, need(0).dims);
      set(1, 'bool', need(0).dims);
    } else if (op === 'Sum') {
      set(0, need(0).dtype, node.inputs.reduce<number[]>((d, _, k) => broadcastShapes(d, need(k).dims, `Sum ${node.name}`), []));
    } else if (op === 'Cast') {
      set(0, DTYPE_OF_ONNX[attrInt(node, 'to', 1)] ?? 'float32', need(0).dims);
      const v = ints(node.inputs[0]);
      if (v) values.set(node.outputs[0], v);
    } else if (op === 'Where') {
      set(0, need(1).dtype, broadcastShapes(broadcastShapes(need(0).dims, need(1).dims), need(2).dims, `Where ${node.name}`));
    } else if (op === 'MatMul') {
      const a = need(0).dims;
      const b = need(1).dims;
      const batch = broadcastShapes(a.slice(0, -2), b.slice(0, -2), `MatMul ${node.name}`);
      if (a[a.length - 1] !== b[b.length - 2]) throw new Error(`MatMul ${node.name}: [${a}] · [${b}] inner sizes differ`);
      set(0, need(0).dtype, [...batch, a[a.length - 2], b[b.length - 1]]);
    } else if (op === 'Transpose') {
      const d = need(0).dims;
      const perm = attrInts(node, 'perm') ?? d.map((_, i) => d.length - 1 - i);
      set(0, need(0).dtype, perm.map((p) => d[p]));
    } else if (op === 'Reshape') {
      const d = need(0).dims;
      const target = requireInts(node, node.inputs[1]).map((s, i) => (s === 0 ? d[i] : s));
      const known = target.reduce((p, s) => (s === -1 ? p : p * s), 1);
      const total = d.reduce((p, s) => p * s, 1);
      set(0, need(0).dtype, target.map((s) => (s === -1 ? total / known : s)));
    } else if (op === 'Unsqueeze' || op === 'Squeeze') {
      const d = [...need(0).dims];
      const axes = node.inputs[1] ? requireInts(node, node.inputs[1]) : attrInts(node, 'axes');
      let out: number[];
      if (op === 'Unsqueeze') {
        const rank = d.length + (axes ?? []).length;
        const norm = (axes ?? []).map((a) => normalizeAxis(a, rank)).sort((p, q) => p - q);
        out = d;
        for (const a of norm) out.splice(a, 0, 1);
      } else {
        const norm = new Set((axes ?? d.flatMap((s, i) => (s === 1 ? [i] : []))).map((a) => normalizeAxis(a, d.length)));
        out = d.filter((_, i) => !norm.has(i));
      }
      set(0, need(0).dtype, out);
      const v = ints(node.inputs[0]);
      if (v) values.set(node.outputs[0], v);
    } else if (op === 'Concat') {
      const axis = normalizeAxis(attrInt(node, 'axis', 0), need(0).dims.length);
      const dims = [...need(0).dims];
      dims[axis] = node.inputs.reduce((s, _, k) => s + need(k).dims[axis], 0);
      set(0, need(0).dtype, dims);
      const parts = node.inputs.map((n) => ints(n));
      if (parts.every((p) => p)) values.set(node.outputs[0], parts.flatMap((p) => p ?? []));
    } else if (op === 'Split') {
      const d = need(0).dims;
      const axis = normalizeAxis(attrInt(node, 'axis', 0), d.length);
      const sizes = node.inputs[1] ? requireInts(node, node.inputs[1]) : splitEvenly(d[axis], node.outputs.length);
      sizes.forEach((s, k) => set(k, need(0).dtype, d.map((v, i) => (i === axis ? s : v))));
    } else if (op === 'Slice') {
      const d = need(0).dims;
      const ranges = sliceRanges(node, d, (n) => requireInts(node, n));
      set(0, need(0).dtype, ranges.map((r) => r.length));
      const v = ints(node.inputs[0]);
      if (v && d.length === 1) values.set(node.outputs[0], ranges[0].indices.map((i) => v[i]));
    } else if (op === 'Gather') {
      const d = need(0).dims;
      const axis = normalizeAxis(attrInt(node, 'axis', 0), d.length);
      set(0, need(0).dtype, [...d.slice(0, axis), ...need(1).dims, ...d.slice(axis + 1)]);
      const v = ints(node.inputs[0]);
      const idx = ints(node.inputs[1]);
      if (v && idx) values.set(node.outputs[0], idx.map((i) => v[i < 0 ? i + v.length : i]));
    } else if (op === 'Shape') {
      const d = need(0).dims;
      set(0, 'int64', [d.length]);
      values.set(node.outputs[0], [...d]);
    } else if (op === 'ConstantOfShape') {
      const value = node.attributes.value;
      set(0, value && value.kind === 'tensor' ? value.value.dtype : 'float32', requireInts(node, node.inputs[0]));
    } else if (op === 'Expand') {
      set(0, need(0).dtype, broadcastShapes(need(0).dims, requireInts(node, node.inputs[1]), `Expand ${node.name}`));
    } else if (op === 'Tile') {
      const repeats = requireInts(node, node.inputs[1]);
      set(0, need(0).dtype, need(0).dims.map((d, i) => d * repeats[i]));
    } else if (op === 'Range') {
      const [start, limit, delta] = [0, 1, 2].map((k) => requireInts(node, node.inputs[k])[0]);
      const n = Math.max(0, Math.ceil((limit - start) / delta));
      set(0, need(0).dtype, [n]);
      values.set(node.outputs[0], Array.from({ length: n }, (_, i) => start + i * delta));
    } else if (op === 'Constant') {
      const value = node.attributes.value;
      if (!value || value.kind !== 'tensor') throw new Error(`Constant ${node.name}: only a tensor 'value' is supported`);
      set(0, value.value.dtype, value.value.dims);
      if (value.value.dtype === 'int64' || value.value.dtype === 'int32') values.set(node.outputs[0], intArray(value.value.data));
    } else if (op === 'LayerNormalization') {
      const d = need(0).dims;
      const axis = normalizeAxis(attrInt(node, 'axis', -1), d.length);
      set(0, need(0).dtype, d);
      const stat = d.map((v, i) => (i < axis ? v : 1));
      set(1, need(0).dtype, stat);
      set(2, need(0).dtype, stat);
    } else if (op === 'ReduceSum' || op === 'ReduceMean' || op === 'ReduceMax' || op === 'ReduceSumSquare') {
      const d = need(0).dims;
      const axes = (node.inputs[1] ? requireInts(node, node.inputs[1]) : attrInts(node, 'axes') ?? d.map((_, i) => i)).map((a) => normalizeAxis(a, d.length));
      const keep = attrInt(node, 'keepdims', 1) === 1;
      set(0, need(0).dtype, keep ? d.map((v, i) => (axes.includes(i) ? 1 : v)) : d.filter((_, i) => !axes.includes(i)));
    } else if (op === 'SoftmaxCrossEntropyLoss') {
      const reduction = node.attributes.reduction;
      const none = reduction?.kind === 'string' && reduction.value === 'none';
      set(0, need(0).dtype, none ? need(1).dims : []);
      set(1, need(0).dtype, need(0).dims);
    } else {
      throw new Error(`shape inference: op ${op} (node ${node.name}) is not supported by the autodiff`);
    }
  }
  return { info, ints };
}

export function splitEvenly(size: number, parts: number): number[] {
  const each = Math.ceil(size / parts);
  return Array.from({ length: parts }, (_, k) => Math.min(each, size - k * each));
}

export interface SliceRange {
  readonly start: number;
  readonly step: number;
  readonly length: number;
  readonly indices: number[];
}

/** The selected indices along every axis of a Slice node (inputs: data, starts, ends, axes?, steps?). */
export function sliceRanges(node: NodeSpec, dims: readonly number[], ints: (name: string) => number[]): SliceRange[] {
  const starts = ints(node.inputs[1]);
  const ends = ints(node.inputs[2]);
  const axes = node.inputs[3] ? ints(node.inputs[3]).map((a) => normalizeAxis(a, dims.length)) : starts.map((_, i) => i);
  const steps = node.inputs[4] ? ints(node.inputs[4]) : starts.map(() => 1);
  return dims.map((size, axis) => {
    const k = axes.indexOf(axis);
    if (k < 0) return { start: 0, step: 1, length: size, indices: Array.from({ length: size }, (_, i) => i) };
    const step = steps[k];
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
    const norm = (v: number) => (v < 0 ? v + size : v);
    const start = step > 0 ? clamp(norm(starts[k]), 0, size) : clamp(norm(starts[k]), -1, size - 1);
    const end = step > 0 ? clamp(norm(ends[k]), 0, size) : clamp(norm(ends[k]), -1, size - 1);
    const indices: number[] = [];
    for (let i = start; step > 0 ? i < end : i > end; i += step) indices.push(i);
    return { start, step, length: indices.length, indices };
  });
}
