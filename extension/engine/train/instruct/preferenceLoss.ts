// The DPO loss (Rafailov et al. 2023, arXiv:2305.18290, eq. 7) as graph nodes.
//
//   log π(y|x) = Σ_{t ∈ response} log softmax(logits_t)[y_t]      sequence log-probability, response tokens only
//   r_w = β (log πθ(y_w|x) − log π_ref(y_w|x))                      implicit reward of the chosen answer
//   r_l = β (log πθ(y_l|x) − log π_ref(y_l|x))                      … and of the rejected one
//   L   = mean over pairs of −log σ(r_w − r_l)
//
// −log σ(z) = softplus(−z) = max(−z, 0) + log(1 + e^{−|z|}): written this way it never overflows
// (e^{−|z|} ≤ 1), from ops whose gradient rules are checked against finite differences.

import { attr, type GraphBuilder } from '../../onnx';
import { IGNORE_INDEX } from '../trainingGraph';

/**
 * Σ over each row's target tokens of log p(target): logits [N·T, V], targets [N·T] (IGNORE_INDEX
 * outside the response) → [N]. SoftmaxCrossEntropyLoss without reduction gives −log p per token
 * and 0 at ignored targets, so the row sum is the masked gather of the log-probabilities.
 */
export function emitSequenceLogProbs(g: GraphBuilder, logits: string, targets: string, rows: number | string, contextLength: number): string {
  const [tokenLoss] = g.node('SoftmaxCrossEntropyLoss', [logits, targets], { reduction: attr.string('none'), ignore_index: attr.int(IGNORE_INDEX) }, { name: 'token_nll', outputs: 2 });
  const rowsDim = typeof rows === 'number' ? BigInt(rows) : -1n;
  const perRow = g.op('Reshape', [tokenLoss, g.constant(BigInt64Array.of(rowsDim, BigInt(contextLength)), [2], 'rows_by_tokens')]); // [N, T]
  return g.op('Neg', [g.op('ReduceSum', [perRow, g.constant(BigInt64Array.of(1n), [1], 'token_axis')], { keepdims: attr.int(0) })], {}, { name: 'sequence_logp' });
}

/**
 * −log σ(z) elementwise, the stable way (see the top of the file), with max(−z, 0) written as
 * (|z| − z) / 2. The two are equal, but their gradients at z = 0 are not: Relu's and Abs's rules
 * give 0 there, so max(−z, 0) + log(1 + e^{−|z|}) would have gradient 0 where the true one is
 * −σ(0) = −1/2, and z is exactly 0 at a DPO run's first step (the policy is the reference). Then
 * the first step learned nothing, and a LoRA run, whose B starts at zero, never left its start.
 */
export function emitNegLogSigmoid(g: GraphBuilder, z: string, dtype: 'float32' | 'float64' = 'float32'): string {
  const scalar = (v: number, name: string) => g.constant(dtype === 'float64' ? Float64Array.of(v) : Float32Array.of(v), [], name);
  const absZ = g.op('Abs', [z]);
  const tail = g.op('Log', [g.op('Add', [scalar(1, 'one'), g.op('Exp', [g.op('Neg', [absZ])])])]);
  const negativePart = g.op('Mul', [scalar(0.5, 'half'), g.op('Sub', [absZ, z])]);
  return g.op('Add', [negativePart, tail], {}, { name: 'neg_log_sigmoid' });
}

export interface DpoLossValues {
  readonly loss: string;
  /** [B] each: β(log πθ − log π_ref) of the chosen and of the rejected answers. */
  readonly chosenRewards: string;
  readonly rejectedRewards: string;
}

/**
 * policyLogp and referenceLogp: [2B], the B chosen sequences first, then the B rejected ones in
 * the same order; beta: a scalar value.
 */
export function emitDpoLoss(g: GraphBuilder, policyLogp: string, referenceLogp: string, beta: string, pairs: number, dtype: 'float32' | 'float64' = 'float32'): DpoLossValues {
  const rewards = g.op('Mul', [beta, g.op('Sub', [policyLogp, referenceLogp])]); //                [2B]
  const [chosenRewards, rejectedRewards] = g.node('Split', [rewards, g.constant(BigInt64Array.of(BigInt(pairs), BigInt(pairs)), [2], 'pair_split')], { axis: attr.int(0) }, { outputs: 2 });
  const margin = g.op('Sub', [chosenRewards, rejectedRewards]); //                                   [B]
  const loss = g.op('ReduceMean', [emitNegLogSigmoid(g, margin, dtype)], { keepdims: attr.int(0) }, { name: 'dpo_loss' });
  return { loss, chosenRewards, rejectedRewards };
}
