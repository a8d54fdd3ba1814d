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
  const { dtype } = ctx.info(scores);
  const labelDims = ctx.dims(labels);
  const reductionAttr = node.attributes.reduction;
  const reduction = reductionAttr?.kind === 'string' ? reductionAttr.value : 'mean';
  const ignore = node.attributes.ignore_index?.kind === 'int' ? node.attributes.ignore_index.value : undefined;

  // p − onehot(label): p from the node's log-probabilities when it outputs them (one Exp), else a
  // fresh softmax; then 1 is subtracted at each label's class: gather pᵢ[labelᵢ], scatter it back
  // minus 1. One pass over the [N, V] scores instead of comparing every class with the label.
  // Ignored positions use class 0 here; their scale sᵢ below is 0, which clears the whole row.
  const probabilities = node.outputs[1] ? ctx.op('Exp', [node.outputs[1]]) : ctx.op('Softmax', [scores], { axis: attr.int(1) });
  const labelsOnClassAxis = ctx.op('Unsqueeze', [labels, ctx.ints([1])]); //        [N, 1, d…]
  const safeLabels = ignore === undefined
    ? labelsOnClassAxis
    : ctx.op('Where', [ctx.op('Equal', [labelsOnClassAxis, ctx.ints([ignore])]), ctx.ints([0]), labelsOnClassAxis]);
  const atLabel = ctx.g.op('GatherElements', [probabilities, safeLabels], { axis: attr.int(1) }, { name: 'grad_GatherElements' }); // [N, 1, d…]
  const residual = ctx.g.op('ScatterElements', [probabilities, safeLabels, ctx.op('Sub', [atLabel, ctx.scalar(1, dtype)])], { axis: attr.int(1) }, { name: 'grad_ScatterElements' });

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
