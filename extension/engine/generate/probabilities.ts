// From logits (one unnormalised score per vocabulary token) to probabilities, and the most
// probable token.

/**
 * softmax(z / T)_i = exp(z_i / T) / Σ_j exp(z_j / T).
 * T > 1 flattens the distribution, T < 1 sharpens it, T → 0 puts all mass on the largest logit.
 * The maximum is subtracted first so that exp() never overflows; a logit of -Infinity gets 0.
 */
export function softmax(logits: ArrayLike<number>, temperature = 1): Float64Array {
  return softmaxWithNormalizer(logits, temperature).probabilities;
}

/**
 * softmax(z / T), and the log Σ_j exp(z_j / T) it divides by, which the same pass computes: the
 * log-probability of token i is then z_i / T − logSumExp, without a second pass of exp().
 */
export function softmaxWithNormalizer(logits: ArrayLike<number>, temperature = 1): { probabilities: Float64Array; logSumExp: number } {
  if (!(temperature > 0)) throw new Error(`softmax: temperature must be > 0, got ${temperature}`);
  const max = maxOf(logits);
  const probs = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    if (logits[i] === -Infinity) continue; // exp(-∞) = 0, and filtered logits are mostly -∞
    probs[i] = Math.exp((logits[i] - max) / temperature);
    sum += probs[i];
  }
  for (let i = 0; i < probs.length; i++) probs[i] /= sum;
  return { probabilities: probs, logSumExp: max / temperature + Math.log(sum) };
}

/**
 * log Σ_j exp(z_j), computed as max + log Σ_j exp(z_j - max) so that exp() never overflows.
 * The log-probability of token i is z_i - logSumExp(z).
 */
export function logSumExp(logits: ArrayLike<number>): number {
  const max = maxOf(logits);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) if (logits[i] > -Infinity) sum += Math.exp(logits[i] - max);
  return max + Math.log(sum);
}

/** log softmax(z)_i = z_i - log Σ_j exp(z_j): log-probabilities without underflow. */
export function logSoftmax(logits: ArrayLike<number>): Float64Array {
  const normalizer = logSumExp(logits);
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i] - normalizer;
  return out;
}

/** Greedy decoding picks argmax_i z_i: the index of the largest value (the first one on a tie). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

function maxOf(values: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  if (max === -Infinity) throw new Error('softmax: every logit is -Infinity (or NaN); nothing can be sampled');
  return max;
}
