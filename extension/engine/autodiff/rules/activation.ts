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
  const op = (type: string, a: string, b: string) => ctx.op(type, [a, b]);
  // Grouped so that each line is one pass over [B, T, 4C] (15 in all; the MLP is the widest tensor).
  const k = Math.sqrt(2 / Math.PI);
  const a = 0.044715;
  const x2 = op('Mul', x, x);
  const t = ctx.op('Tanh', [op('Mul', x, op('Add', op('Mul', x2, c(k * a)), c(k)))]); //           tanh u,  u = x (k + k a x²)
  const halfXdu = op('Mul', x, op('Add', op('Mul', x2, c(1.5 * k * a)), c(0.5 * k))); //          ½ x du/dx
  const sech2 = op('Sub', c(1), op('Mul', t, t)); //                                                1 − tanh² u
  const left = op('Add', op('Mul', t, c(0.5)), c(0.5)); //                                          ½ (1 + tanh u)
  return [op('Mul', dY, op('Add', left, op('Mul', halfXdu, sech2)))];
};

export const ACTIVATION_RULES: Record<string, GradientRule> = { Gelu: gelu };
