// Log-likelihood of a continuation after a context, the quantity every test kind is built on:
//   ln p(c | x) = Σ_i ln p(c_i | x, c_<i)
// The context and the continuation are tokenized separately and joined (as lm-eval-harness does),
// so the continuation's tokens are the same whatever context it follows; the model's start token
// goes first. One forward pass scores all of it.

import { rowStats } from './rowStats';
import type { EvalModel } from './evalModel';

export interface ContinuationScore {
  /** ln p(c_i | ...) of each continuation token. */
  readonly logProbs: readonly number[];
  /** Rank of each continuation token among the vocabulary at its position (1 = the model's first choice). */
  readonly ranks: readonly number[];
  readonly logProb: number;
  readonly tokens: readonly number[];
}

/** A test whose prompt does not fit the model's window: reported as errored with this reason. */
export class ContextOverflowError extends Error {
  constructor(tokens: number, contextLength: number) {
    super(`the prompt and continuation take ${tokens} tokens, more than the model's context of ${contextLength}`);
    this.name = 'ContextOverflowError';
  }
}

export function contextTokens(lm: EvalModel, context: string): number[] {
  return [...(lm.startToken === undefined ? [] : [lm.startToken]), ...lm.tokenizer.encodeIds(context)];
}

export async function scoreContinuation(lm: EvalModel, context: string, continuation: string): Promise<ContinuationScore> {
  const head = contextTokens(lm, context);
  const tail = lm.tokenizer.encodeIds(continuation);
  if (head.length === 0 || tail.length === 0) throw new Error('the context and the continuation must each have at least one token');
  const all = [...head, ...tail];
  if (all.length > lm.model.contextLength) throw new ContextOverflowError(all.length, lm.model.contextLength);
  const { logits } = await lm.model.forwardAll(all);
  const vocab = lm.model.vocabSize;
  const logProbs: number[] = [];
  const ranks: number[] = [];
  for (let t = head.length; t < all.length; t++) {
    const stats = rowStats(logits.subarray((t - 1) * vocab, t * vocab), all[t], 1);
    logProbs.push(-stats.nats);
    ranks.push(stats.rank);
  }
  return { logProbs, ranks, logProb: logProbs.reduce((s, v) => s + v, 0), tokens: tail };
}
