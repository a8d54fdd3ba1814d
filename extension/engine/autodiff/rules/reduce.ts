// Gradients of reductions: every input element contributed once to its output element, so the
// output gradient is copied (broadcast) back along the reduced axes.
//   Y = Σ_axes X:      dX = expand(dY)
//   Y = mean_axes X:   dX = expand(dY) / (number of elements reduced)

import type { GradContext, GradientRule } from '../context';
import type { NodeSpec } from '../../onnx/builder';

function reducedAxes(node: NodeSpec, ctx: GradContext): number[] {
  const rank = ctx.dims(node.inputs[0]).length;
  const fromInput = node.inputs[1] ? ctx.shapes.ints(node.inputs[1]) : undefined;
  const fromAttr = node.attributes.axes?.kind === 'ints' ? [...node.attributes.axes.value] : undefined;
  const axes = fromInput ?? fromAttr ?? Array.from({ length: rank }, (_, i) => i);
  return axes.map((a) => (a < 0 ? a + rank : a));
}

function expandBack(node: NodeSpec, dY: string, ctx: GradContext): string {
  const dims = ctx.dims(node.inputs[0]);
  const axes = reducedAxes(node, ctx);
  const kept = ctx.reshape(dY, dims.map((d, i) => (axes.includes(i) ? 1 : d)));
  return ctx.op('Expand', [kept, ctx.ints(dims)]);
}

const reduceSum: GradientRule = (node, [dY], ctx) => [dY && expandBack(node, dY, ctx)];

const reduceMean: GradientRule = (node, [dY], ctx) => {
  if (!dY) return [];
  const { dtype, dims } = ctx.info(node.inputs[0]);
  const count = reducedAxes(node, ctx).reduce((n, a) => n * dims[a], 1);
  return [ctx.op('Mul', [expandBack(node, dY, ctx), ctx.scalar(1 / count, dtype)])];
};

export const REDUCE_RULES: Record<string, GradientRule> = { ReduceSum: reduceSum, ReduceMean: reduceMean };
