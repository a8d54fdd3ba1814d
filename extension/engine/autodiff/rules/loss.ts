// Gradient of SoftmaxCrossEntropyLoss, the language-model loss. Scores are logits with the class
// axis at 1:  scores [N, V] (or [N, V, d…]),  labels [N] (or [N, d…]).
//   p = softmax(scores, axis 1)
//   ℓᵢ = −log pᵢ[labelᵢ]   for each position i whose label is not ignore_index
//   L = Σ ℓᵢ / count (mean) | Σ ℓᵢ (sum) | ℓ (none)
//   dscoresᵢ = (pᵢ − onehot(labelᵢ)) · sᵢ,   sᵢ = dL / count (mean) | dL (sum) | dLᵢ (none),  0 where ignored

import { attr } from '../../onnx/attributes';
import type { GradientRule } from '../context';

const softmaxCrossEntropy: GradientRule = (node, [dLoss], ctx) => {
  if (!dLoss || !ctx.needs(node, 0)) return [];
  if (node.inputs[2]) throw new Error(`SoftmaxCrossEntropyLoss ${node.name}: class weights are not supported by the gradient rule`);
  const [scores, labels] = node.inputs;
  const { dtype, dims } = ctx.info(scores);
  const labelDims = ctx.dims(labels);
  const V = dims[1];
  const reductionAttr = node.attributes.reduction;
  const reduction = reductionAttr?.kind === 'string' ? reductionAttr.value : 'mean';
  const ignore = node.attributes.ignore_index?.kind === 'int' ? node.attributes.ignore_index.value : undefined;

  // p − onehot(label): subtract 1 where the class index equals the label.
  const probabilities = node.outputs[1] ? ctx.op('Exp', [node.outputs[1]]) : ctx.op('Softmax', [scores], { axis: attr.int(1) });
  const classShape = dims.map((d, i) => (i === 1 ? V : 1)); //                      [1, V, 1…]
  const classes = ctx.g.constant(BigInt64Array.from({ length: V }, (_, v) => BigInt(v)), classShape, 'grad_classes');
  const labelsOnClassAxis = ctx.op('Unsqueeze', [labels, ctx.ints([1])]); //        [N, 1, d…]
  const isLabel = ctx.op('Equal', [labelsOnClassAxis, classes]); //                 [N, V, d…]
  const residual = ctx.op('Where', [isLabel, ctx.op('Sub', [probabilities, ctx.scalar(1, dtype)]), probabilities]);

  // Per-position scale sᵢ, shape [N, d…], then broadcast along the class axis.
  const valid = ignore === undefined
    ? ctx.op('Expand', [ctx.scalar(1, dtype), ctx.ints(labelDims)])
    : ctx.op('Cast', [ctx.op('Not', [ctx.op('Equal', [labels, ctx.ints([ignore])])])], { to: attr.int(dtype === 'float64' ? 11 : 1) });
  let scale: string;
  if (reduction === 'none') scale = ctx.op('Mul', [valid, dLoss]);
  else if (reduction === 'sum') scale = ctx.op('Mul', [valid, dLoss]);
  else {
    const count = ctx.op('ReduceSum', [valid], { keepdims: attr.int(0) });
    scale = ctx.op('Mul', [valid, ctx.op('Div', [dLoss, count])]);
  }
  const scaleOnClassAxis = ctx.op('Unsqueeze', [scale, ctx.ints([1])]);
  return [ctx.op('Mul', [residual, scaleOnClassAxis]), undefined];
};

export const LOSS_RULES: Record<string, GradientRule> = { SoftmaxCrossEntropyLoss: softmaxCrossEntropy };
