// Gradients of elementwise ops. Shapes: Y has the broadcast shape of the inputs; each input's
// gradient is computed at Y's shape and then summed back to the input's own shape (sumToShape),
// because broadcasting copied that input along the summed axes.

import type { GradientRule } from '../context';

// Y = A + B:  dA = dY,  dB = dY
const add: GradientRule = (node, [dY], ctx) => {
  const y = ctx.dims(node.outputs[0]);
  return node.inputs.map((input, k) => (dY && ctx.needs(node, k) ? ctx.sumToShape(dY, y, ctx.dims(input)) : undefined));
};

// Y = A − B:  dA = dY,  dB = −dY
const sub: GradientRule = (node, [dY], ctx) => {
  if (!dY) return [];
  const y = ctx.dims(node.outputs[0]);
  const [a, b] = node.inputs;
  return [
    ctx.needs(node, 0) ? ctx.sumToShape(dY, y, ctx.dims(a)) : undefined,
    ctx.needs(node, 1) ? ctx.sumToShape(ctx.op('Neg', [dY]), y, ctx.dims(b)) : undefined,
  ];
};

// Y = A ⊙ B:  dA = dY ⊙ B,  dB = dY ⊙ A
const mul: GradientRule = (node, [dY], ctx) => {
  if (!dY) return [];
  const y = ctx.dims(node.outputs[0]);
  const [a, b] = node.inputs;
  return [
    ctx.needs(node, 0) ? ctx.sumToShape(ctx.op('Mul', [dY, b]), y, ctx.dims(a)) : undefined,
    ctx.needs(node, 1) ? ctx.sumToShape(ctx.op('Mul', [dY, a]), y, ctx.dims(b)) : undefined,
  ];
};

// Y = A / B:  dA = dY / B,  dB = −dY ⊙ A / B² = −dY ⊙ Y / B
const div: GradientRule = (node, [dY], ctx) => {
  if (!dY) return [];
  const y = ctx.dims(node.outputs[0]);
  const [a, b] = node.inputs;
  const dA = ctx.needs(node, 0) || ctx.needs(node, 1) ? ctx.op('Div', [dY, b]) : undefined;
  return [
    dA && ctx.needs(node, 0) ? ctx.sumToShape(dA, y, ctx.dims(a)) : undefined,
    dA && ctx.needs(node, 1) ? ctx.sumToShape(ctx.op('Neg', [ctx.op('Mul', [dA, node.outputs[0]])]), y, ctx.dims(b)) : undefined,
  ];
};

// Y = A^P:  dA = dY ⊙ P ⊙ A^(P−1),  dP = dY ⊙ Y ⊙ ln A
const pow: GradientRule = (node, [dY], ctx) => {
  if (!dY) return [];
  const y = ctx.dims(node.outputs[0]);
  const [a, p] = node.inputs;
  const one = ctx.scalar(1, ctx.info(a).dtype);
  const dA = ctx.needs(node, 0)
    ? ctx.sumToShape(ctx.op('Mul', [dY, ctx.op('Mul', [p, ctx.op('Pow', [a, ctx.op('Sub', [p, one])])])]), y, ctx.dims(a))
    : undefined;
  const dP = ctx.needs(node, 1)
    ? ctx.sumToShape(ctx.op('Mul', [dY, ctx.op('Mul', [node.outputs[0], ctx.op('Log', [a])])]), y, ctx.dims(p))
    : undefined;
  return [dA, dP];
};

// Y = Σ_k X_k (n-ary Sum):  dX_k = dY
const sum: GradientRule = add;

// Y = −X:  dX = −dY
const neg: GradientRule = (_node, [dY], ctx) => [dY && ctx.op('Neg', [dY])];

// Y = X:  dX = dY
const identity: GradientRule = (_node, [dY]) => [dY];

// Y = √X:  dX = dY / (2Y)
const sqrt: GradientRule = (node, [dY], ctx) => {
  if (!dY) return [];
  const half = ctx.scalar(0.5, ctx.info(node.outputs[0]).dtype);
  return [ctx.op('Div', [ctx.op('Mul', [dY, half]), node.outputs[0]])];
};

// Y = eˣ:  dX = dY ⊙ Y
const exp: GradientRule = (node, [dY], ctx) => [dY && ctx.op('Mul', [dY, node.outputs[0]])];

// Y = ln X:  dX = dY / X
const log: GradientRule = (node, [dY], ctx) => [dY && ctx.op('Div', [dY, node.inputs[0]])];

// Y = tanh X:  dX = dY ⊙ (1 − Y²)
const tanh: GradientRule = (node, [dY], ctx) => {
  if (!dY) return [];
  const y = node.outputs[0];
  const one = ctx.scalar(1, ctx.info(y).dtype);
  return [ctx.op('Mul', [dY, ctx.op('Sub', [one, ctx.op('Mul', [y, y])])])];
};

// Y = 1 / X:  dX = −dY ⊙ Y²
const reciprocal: GradientRule = (node, [dY], ctx) => {
  if (!dY) return [];
  const y = node.outputs[0];
  return [ctx.op('Neg', [ctx.op('Mul', [dY, ctx.op('Mul', [y, y])])])];
};

// Y = σ(X):  dX = dY ⊙ Y ⊙ (1 − Y)
const sigmoid: GradientRule = (node, [dY], ctx) => {
  if (!dY) return [];
  const y = node.outputs[0];
  const one = ctx.scalar(1, ctx.info(y).dtype);
  return [ctx.op('Mul', [dY, ctx.op('Mul', [y, ctx.op('Sub', [one, y])])])];
};

// Y = max(X, 0):  dX = dY where X > 0, else 0
const relu: GradientRule = (node, [dY], ctx) => {
  if (!dY) return [];
  const x = node.inputs[0];
  const zero = ctx.scalar(0, ctx.info(x).dtype);
  return [ctx.op('Where', [ctx.op('Greater', [x, zero]), dY, zero])];
};

// Y = |X|:  dX = dY · sign(X)   (0 at X = 0, the subgradient ONNX's Sign gives)
const abs: GradientRule = (node, [dY], ctx) => [dY && ctx.op('Mul', [dY, ctx.op('Sign', [node.inputs[0]])])];

// Y = C ? A : B (a causal mask, for one):  dA = dY where C, dB = dY where not C
const where: GradientRule = (node, [dY], ctx) => {
  if (!dY) return [];
  const y = ctx.dims(node.outputs[0]);
  const [c, a, b] = node.inputs;
  const zero = ctx.scalar(0, ctx.info(a).dtype);
  return [
    undefined,
    ctx.needs(node, 1) ? ctx.sumToShape(ctx.op('Where', [c, dY, zero]), y, ctx.dims(a)) : undefined,
    ctx.needs(node, 2) ? ctx.sumToShape(ctx.op('Where', [c, zero, dY]), y, ctx.dims(b)) : undefined,
  ];
};

export const ELEMENTWISE_RULES: Record<string, GradientRule> = {
  Add: add, Sub: sub, Mul: mul, Div: div, Pow: pow, Sum: sum,
  Neg: neg, Identity: identity, Sqrt: sqrt, Exp: exp, Log: log, Tanh: tanh, Reciprocal: reciprocal,
  Sigmoid: sigmoid, Relu: relu, Abs: abs, Where: where,
};
