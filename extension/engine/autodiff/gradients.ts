// Reverse-mode automatic differentiation over a GraphBuilder's nodes (symbolic: it adds backward
// nodes to the same graph, so one ONNX Runtime session computes the loss and all gradients).
//
// For a scalar loss L and every value v, the adjoint dv = ∂L/∂v has v's shape. Walking the
// forward nodes from last to first, each node's rule turns the adjoints of its outputs into
// contributions to the adjoints of its inputs (the chain rule). A value used by several nodes
// (fan-out: the tied embedding, the residual stream) receives one contribution per use, and its
// adjoint is their sum.

import type { GraphBuilder } from '../onnx/builder';
import { GradContext, type GradientRule } from './context';
import { inferShapes } from './shapes';
import { GRADIENT_RULES } from './rules/index';

export interface GradientOptions {
  /** Extra rules, or replacements, keyed by op type. */
  readonly rules?: Readonly<Record<string, GradientRule>>;
}

/**
 * Adds backward nodes to `g` and returns, for each name in `wrt`, the value holding ∂loss/∂wrt.
 * `loss` must be a scalar (dims []). Nodes must be in topological order (the builder ensures it).
 */
export function addGradients(g: GraphBuilder, loss: string, wrt: readonly string[], options: GradientOptions = {}): Map<string, string> {
  const rules = { ...GRADIENT_RULES, ...options.rules };
  const forwardNodes = [...g.nodes];
  const shapes = inferShapes(g);
  const lossInfo = shapes.info(loss);
  if (lossInfo.dims.length !== 0) throw new Error(`the loss "${loss}" must be a scalar, not [${lossInfo.dims}]`);

  // Values that depend on a wrt value (forward pass) and that the loss depends on (backward pass):
  // only these need adjoints, so frozen weights and integer paths cost nothing.
  const dependsOnWrt = new Set(wrt);
  for (const node of forwardNodes) {
    if (node.inputs.some((i) => dependsOnWrt.has(i))) node.outputs.forEach((o) => o && dependsOnWrt.add(o));
  }
  const lossDependsOn = new Set([loss]);
  for (let k = forwardNodes.length - 1; k >= 0; k--) {
    const node = forwardNodes[k];
    if (node.outputs.some((o) => lossDependsOn.has(o))) node.inputs.forEach((i) => i && lossDependsOn.add(i));
  }
  const active = (name: string) => name !== '' && dependsOnWrt.has(name) && lossDependsOn.has(name);
  const ctx = new GradContext(g, shapes, (node, k) => active(node.inputs[k]));

  const contributions = new Map<string, string[]>();
  const addContribution = (name: string, grad: string) => {
    const list = contributions.get(name) ?? [];
    list.push(grad);
    contributions.set(name, list);
  };
  // The adjoint of a value once all its uses are processed: dv = Σ contributions.
  const adjoint = (name: string): string | undefined => {
    const list = contributions.get(name);
    if (!list || list.length === 0) return undefined;
    if (list.length > 1) contributions.set(name, [g.op('Sum', list, {}, { name: 'grad_accumulate' })]);
    return contributions.get(name)?.[0];
  };

  addContribution(loss, ctx.scalar(1, lossInfo.dtype));
  for (let k = forwardNodes.length - 1; k >= 0; k--) {
    const node = forwardNodes[k];
    if (!node.inputs.some(active)) continue;
    const dOutputs = node.outputs.map((o) => (o && active(o) ? adjoint(o) : undefined));
    if (dOutputs.every((d) => d === undefined)) continue;
    const rule = rules[node.opType];
    if (!rule) throw new Error(`no gradient rule for ${node.opType} (node ${node.name}); it lies between the parameters and the loss`);
    const dInputs = rule(node, dOutputs, ctx);
    node.inputs.forEach((input, i) => {
      const d = dInputs[i];
      if (d && active(input)) addContribution(input, d);
    });
  }

  const result = new Map<string, string>();
  for (const name of wrt) {
    const d = adjoint(name);
    result.set(name, d ?? zerosLike(ctx, name));
  }
  return result;
}

/** A parameter the loss does not depend on has gradient zero (it still gets an output). */
function zerosLike(ctx: GradContext, name: string): string {
  const info = ctx.info(name);
  return ctx.op('Expand', [ctx.scalar(0, info.dtype), ctx.ints(info.dims)]);
}

export type { GradientRule };
