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
  const y = node.outputs[0];
  const { dtype } = ctx.info(x);
  const c = (v: number) => ctx.scalar(v, dtype);
  const op = (type: string, a: string, b: string) => ctx.op(type, [a, b]);
  // The same derivative with ½ (1 + tanh u) = σ(2u) =: s and 1 − tanh² u = 4 s (1 − s):
  //   dy/dx = s + x · 2 du/dx · s (1 − s) = s + (1 − s) · y · 2k (1 + 3a x²)     (y = x s, the output)
  // Twelve elementwise nodes, each one pass over [B, T, 4C], the MLP's widest tensor.
  const k = Math.sqrt(2 / Math.PI);
  const a = 0.044715;
  const x2 = op('Mul', x, x);
  const s = ctx.op('Sigmoid', [op('Mul', x, op('Add', op('Mul', x2, c(2 * k * a)), c(2 * k)))]); // σ(2u),  2u = x (2k + 2k a x²)
  const q = op('Mul', y, op('Add', op('Mul', x2, c(6 * k * a)), c(2 * k))); //                     y · 2 du/dx
  return [op('Mul', dY, op('Add', s, op('Mul', q, op('Sub', c(1), s))))];
};

export const ACTIVATION_RULES: Record<string, GradientRule> = { Gelu: gelu };
