// Gradient of GELU, the MLP's nonlinearity, in both of its ONNX forms.

import type { GradientRule } from '../context';

// approximate = 'tanh' (GPT-2):
//   y = ½ x (1 + tanh u),   u = √(2/π) (x + 0.044715 x³)
//   dy/dx = ½ (1 + tanh u) + ½ x (1 − tanh² u) · √(2/π) (1 + 3 · 0.044715 x²)
// approximate = 'none' (exact):
//   y = x Φ(x),   dy/dx = Φ(x) + x φ(x),   Φ(x) = ½ (1 + erf(x/√2)),   φ(x) = e^(−x²/2) / √(2π)
const gelu: GradientRule = (node, [dY], ctx) => {
  if (!dY) return [];
  const x = node.inputs[0];
  const { dtype } = ctx.info(x);
  const c = (v: number) => ctx.scalar(v, dtype);
  const mul = (...v: string[]) => v.reduce((p, q) => ctx.op('Mul', [p, q]));
  const add = (p: string, q: string) => ctx.op('Add', [p, q]);
  const x2 = mul(x, x);
  const approximate = node.attributes.approximate;
  let slope: string;
  if (approximate?.kind === 'string' && approximate.value === 'tanh') {
    const k = Math.sqrt(2 / Math.PI);
    const u = mul(c(k), add(x, mul(c(0.044715), x2, x)));
    const t = ctx.op('Tanh', [u]);
    const left = mul(c(0.5), add(c(1), t));
    const sech2 = ctx.op('Sub', [c(1), mul(t, t)]);
    const du = mul(c(k), add(c(1), mul(c(3 * 0.044715), x2)));
    slope = add(left, mul(c(0.5), x, sech2, du));
  } else {
    const cdf = mul(c(0.5), add(c(1), ctx.op('Erf', [mul(x, c(Math.SQRT1_2))])));
    const pdf = mul(c(1 / Math.sqrt(2 * Math.PI)), ctx.op('Exp', [mul(c(-0.5), x2)]));
    slope = add(cdf, mul(x, pdf));
  }
  return [mul(dY, slope)];
};

export const ACTIVATION_RULES: Record<string, GradientRule> = { Gelu: gelu };
