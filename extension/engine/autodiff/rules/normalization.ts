// Gradients of LayerNormalization and Softmax, the two ops whose outputs mix all the values along
// an axis, so each input's gradient depends on the whole row.

import { attr } from '../../onnx/attributes';
import type { GradContext, GradientRule } from '../context';

const normalizeAxis = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

function mean(ctx: GradContext, value: string, axes: readonly number[]): string {
  return ctx.op('ReduceMean', [value, ctx.ints(axes)], { keepdims: attr.int(1) });
}

// LayerNormalization over the trailing axes [axis, rank) of x:          x, y: [B, T, C]  γ, β: [C]
//   μ = mean(x),  σ⁻¹ = 1/√(mean((x − μ)²) + ε),  x̂ = (x − μ)·σ⁻¹,  y = γ ⊙ x̂ + β
//   dβ = Σ_{B,T} dy                     dγ = Σ_{B,T} dy ⊙ x̂
//   dx̂ = dy ⊙ γ
//   dx = σ⁻¹ · (dx̂ − mean(dx̂) − x̂ ⊙ mean(dx̂ ⊙ x̂))        (llm.c layernorm_backward)
// x̂ and σ⁻¹ are recomputed from x so the forward node stays as built: by one LayerNormalization
// with γ = 1, β = 0, whose third output is σ⁻¹ (one kernel reading x once, where μ, the variance,
// √, 1/· and x̂ written as separate ops would be eight nodes and four passes over [B, T, C]).
const layerNorm: GradientRule = (node, [dY], ctx) => {
  if (!dY) return [];
  const [x, gamma, beta] = node.inputs;
  const { dtype, dims } = ctx.info(x);
  const axis = normalizeAxis(node.attributes.axis?.kind === 'int' ? node.attributes.axis.value : -1, dims.length);
  const eps = node.attributes.epsilon?.kind === 'float' ? node.attributes.epsilon.value : 1e-5;
  const normAxes = dims.slice(axis).map((_, i) => axis + i);
  const batchAxes = dims.slice(0, axis).map((_, i) => i);

  const paramDims = dims.slice(axis);
  const ones = ctx.op('Expand', [ctx.scalar(1, dtype), ctx.ints(paramDims)]);
  const zeros = ctx.op('Expand', [ctx.scalar(0, dtype), ctx.ints(paramDims)]);
  // x̂ = (x − μ)·σ⁻¹ [B, T, C] and σ⁻¹ [B, T, 1]; the middle output, μ, is not needed.
  const [xhat, , invStd] = ctx.g.node('LayerNormalization', [x, ones, zeros], { axis: attr.int(axis), epsilon: attr.float(eps) }, { name: 'grad_LayerNormalization', outputs: 3 });
  // ONNX Runtime keeps the statistics in float32 (stash_type 1; it has no float64 stash kernel),
  // so a float64 graph (the finite-difference checks) casts σ⁻¹ back: a relative error near 1e-7.
  const rstd = dtype === 'float64' ? ctx.op('Cast', [invStd], { to: attr.int(11) }) : invStd;

  const sumOverBatch = (v: string) => (batchAxes.length ? ctx.reduceSum(v, batchAxes, false) : v);
  const dGamma = ctx.needs(node, 1) ? ctx.sumToShape(sumOverBatch(ctx.op('Mul', [dY, xhat])), paramDims, ctx.dims(gamma)) : undefined;
  const dBeta = beta && ctx.needs(node, 2) ? ctx.sumToShape(sumOverBatch(dY), paramDims, ctx.dims(beta)) : undefined;

  let dX: string | undefined;
  if (ctx.needs(node, 0)) {
    const dxhat = ctx.op('Mul', [dY, gamma]);
    const inner = ctx.op('Sub', [
      ctx.op('Sub', [dxhat, mean(ctx, dxhat, normAxes)]),
      ctx.op('Mul', [xhat, mean(ctx, ctx.op('Mul', [dxhat, xhat]), normAxes)]),
    ]);
    dX = ctx.op('Mul', [inner, rstd]);
  }
  return [dX, dGamma, dBeta];
};

// Softmax along an axis:  y = eˣ / Σ eˣ
//   dx = y ⊙ (dy − Σ_axis(dy ⊙ y))           (the Jacobian diag(y) − y yᵀ applied to dy)
// Masked positions (a causal mask set them to −∞ or a large negative) have y = 0, so dx = 0 there.
const softmax: GradientRule = (node, [dY], ctx) => {
  if (!dY) return [];
  const y = node.outputs[0];
  const rank = ctx.dims(y).length;
  const axis = normalizeAxis(node.attributes.axis?.kind === 'int' ? node.attributes.axis.value : -1, rank);
  const dot = ctx.reduceSum(ctx.op('Mul', [dY, y]), [axis], true);
  return [ctx.op('Mul', [y, ctx.op('Sub', [dY, dot])])];
};

// LogSoftmax along an axis:  y = x − log Σ eˣ
//   dx = dy − softmax(x) ⊙ Σ_axis dy,   softmax(x) = eʸ
const logSoftmax: GradientRule = (node, [dY], ctx) => {
  if (!dY) return [];
  const y = node.outputs[0];
  const rank = ctx.dims(y).length;
  const axis = normalizeAxis(node.attributes.axis?.kind === 'int' ? node.attributes.axis.value : -1, rank);
  return [ctx.op('Sub', [dY, ctx.op('Mul', [ctx.op('Exp', [y]), ctx.reduceSum(dY, [axis], true)])])];
};

export const NORMALIZATION_RULES: Record<string, GradientRule> = {
  LayerNormalization: layerNorm, Softmax: softmax, LogSoftmax: logSoftmax,
};
