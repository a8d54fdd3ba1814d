// The graphs of a DPO run, both on the GPT definition the pretraining graph uses:
//   training step:  input_ids, targets [2B, T] (B chosen rows, then B rejected), reference_logp [2B]
//                   → DPO loss, its gradient and the optimizer update (finishTrainingGraph), and the
//                     implicit rewards of the batch
//   log-probabilities: input_ids, targets [N, T] → sequence_logp [N], and log_probs [N, T, V] for
//                   the KL to the reference. Run once with the reference weights over every pair
//                   before training (π_ref is frozen, so its log-probabilities never change), and
//                   with the policy's weights for the held-out measurements.

import { attr, GraphBuilder } from '../../onnx';
import { emitForwardLogits, finishTrainingGraph, type TrainingGraph, type TrainingGraphOptions } from '../trainingGraph';
import { emitDpoLoss, emitSequenceLogProbs } from './preferenceLoss';

export interface DpoGraphOptions extends TrainingGraphOptions {
  /** Pairs per step: the graph takes 2 × pairs rows (batchSize is ignored). */
  readonly pairs: number;
  readonly beta: number;
}

export function buildDpoTrainingGraph(options: DpoGraphOptions): TrainingGraph {
  const g = new GraphBuilder({ name: 'gpt2_dpo_step', docString: 'DPO loss, backward and optimizer update of one preference step' });
  const rows = 2 * options.pairs;
  const { logits, targets, parameters } = emitForwardLogits(g, options, rows);
  const referenceLogp = g.input('reference_logp', 'float32', [rows]);
  const policyLogp = emitSequenceLogProbs(g, logits, targets, rows, options.contextLength);
  const beta = g.constant(Float32Array.of(options.beta), [], 'beta');
  const { loss, chosenRewards, rejectedRewards } = emitDpoLoss(g, policyLogp, referenceLogp, beta, options.pairs);
  g.output(chosenRewards, { name: 'chosen_rewards', dtype: 'float32', dims: [options.pairs] });
  g.output(rejectedRewards, { name: 'rejected_rewards', dtype: 'float32', dims: [options.pairs] });
  return finishTrainingGraph(g, options, loss, parameters);
}

export function buildSequenceLogProbGraph(options: Omit<TrainingGraphOptions, 'optimizer'>): Uint8Array {
  const g = new GraphBuilder({ name: 'gpt2_sequence_logp', docString: 'sequence log-probabilities over the target tokens, and every token log-probability' });
  const { logits, targets } = emitForwardLogits(g, options, 'rows');
  g.output(emitSequenceLogProbs(g, logits, targets, 'rows', options.contextLength), { name: 'sequence_logp', dtype: 'float32', dims: ['rows'] });
  const logProbs = g.op('LogSoftmax', [logits], { axis: attr.int(1) }); // [N·T, V]
  const perRow = g.op('Reshape', [logProbs, g.constant(BigInt64Array.of(-1n, BigInt(options.contextLength), BigInt(options.config.vocab_size)), [3], 'rows_tokens_vocab')]);
  g.output(perRow, { name: 'log_probs', dtype: 'float32', dims: ['rows', options.contextLength, options.config.vocab_size] });
  return g.toBytes();
}
