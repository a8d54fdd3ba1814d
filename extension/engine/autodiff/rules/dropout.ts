// Gradient of Dropout (Srivastava et al. 2014) in its "inverted" form, as ONNX and PyTorch define it:
//   training:   Y = X ⊙ M / (1 − p),   M ~ Bernoulli(1 − p), drawn afresh at every run
//               dY/dX is diagonal:  dX = dY ⊙ M / (1 − p)
//   inference:  Y = X,   dX = dY
// The mask is the node's second output, the one the forward pass drew, so a Dropout node that is
// differentiated must declare it. The ratio p defaults to ½ and training_mode to false, as in ONNX.

import { attr } from '../../onnx/attributes';
import type { GradientRule } from '../context';

const dropout: GradientRule = (node, [dY], ctx) => {
  if (!dY || !ctx.needs(node, 0)) return [];
  const [, ratio, trainingMode] = node.inputs;
  if (!trainingMode) return [dY];
  const mask = node.outputs[1];
  if (!mask) throw new Error(`Dropout ${node.name}: its gradient needs the mask; emit the node with two outputs`);
  const { dtype } = ctx.info(node.inputs[0]);
  const to = { to: attr.int(dtype === 'float64' ? 11 : 1) }; // ONNX TensorProto.DOUBLE or FLOAT
  const p = ratio ? ctx.op('Cast', [ratio], to) : ctx.scalar(0.5, dtype);
  const keep = ctx.op('Div', [ctx.op('Cast', [mask], to), ctx.op('Sub', [ctx.scalar(1, dtype), p])]); // M / (1 − p)
  // In inference mode (training_mode false at run time) the mask is all ones and Y = X: no scaling.
  const scale = ctx.op('Where', [trainingMode, keep, ctx.scalar(1, dtype)]);
  return [ctx.op('Mul', [dY, scale])];
};

export const DROPOUT_RULES: Record<string, GradientRule> = { Dropout: dropout };
