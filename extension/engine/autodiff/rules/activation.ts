// Gradient of GELU in its tanh form, the MLP's nonlinearity in GPT-2:
//   y = ½ x (1 + tanh u),   u = √(2/π) (x + 0.044715 x³)
//   dy/dx = ½ (1 + tanh u) + ½ x (1 − tanh² u) · √(2/π) (1 + 3 · 0.044715 x²)
// The exact form (approximate = 'none', with erf) has no rule: ONNX Runtime has no float64 Erf, so
// its rule could not be checked as tightly as the others, and our GPT never uses it.

import type { GradientRule } from '../context';

const gelu: GradientRule = (node, [dY], ctx) => {
  if (!dY) return [];
  const approximate = node.attributes.approximate;
  if (approximate?.kind !== 'string' || approximate.value !== 'tanh') throw new Error(`Gelu ${node.name}: only approximate = 'tanh' has a gradient rule`);
  const x = node.inputs[0];
  const { dtype } = ctx.info(x);
  const c = (v: number) => ctx.scalar(v, dtype);
  const mul = (...v: string[]) => v.reduce((p, q) => ctx.op('Mul', [p, q]));
  const add = (p: string, q: string) => ctx.op('Add', [p, q]);
  const x2 = mul(x, x);
  const k = Math.sqrt(2 / Math.PI);
  const t = ctx.op('Tanh', [mul(c(k), add(x, mul(c(0.044715), x2, x)))]); //   tanh u
  const left = mul(c(0.5), add(c(1), t)); //                                    ½ (1 + tanh u)
  const sech2 = ctx.op('Sub', [c(1), mul(t, t)]); //                            1 − tanh² u
  const du = mul(c(k), add(c(1), mul(c(3 * 0.044715), x2))); //                 du/dx
  return [mul(dY, add(left, mul(c(0.5), x, sech2, du)))];
};

export const ACTIVATION_RULES: Record<string, GradientRule> = { Gelu: gelu };
