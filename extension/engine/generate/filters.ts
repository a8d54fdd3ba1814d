// Logit processors: the steps between the model's logits and the distribution we sample from.
// Each is a pure function, logits in and new logits out. A filter removes a token by setting its
// logit to -Infinity, so the next softmax gives it probability 0 and renormalises the rest.
// The sampling pipeline applies them in the order Hugging Face transformers uses:
// repetition penalty, temperature, top-k, top-p, min-p.

import { argmax, softmax } from './probabilities';
import { topIndices, descendingOrder } from './ranking';

/**
 * Repetition penalty (CTRL, Keskar et al. 2019, as Hugging Face implements it): each token already
 * in `seen` gets z / θ when z > 0 and z · θ when z ≤ 0, so θ > 1 always makes it less likely
 * (dividing a negative logit would raise it, hence the two cases). θ = 1 changes nothing.
 */
export function applyRepetitionPenalty(logits: Float32Array, seen: Iterable<number>, penalty: number): Float32Array {
  if (!(penalty > 0)) throw new Error(`repetition penalty must be > 0, got ${penalty}`);
  const out = logits.slice();
  for (const token of new Set(seen)) {
    if (token < 0 || token >= out.length) continue;
    out[token] = logits[token] > 0 ? logits[token] / penalty : logits[token] * penalty;
  }
  return out;
}

/** Temperature: z_i / T. Below 1 sharpens the distribution, above 1 flattens it. */
export function applyTemperature(logits: Float32Array, temperature: number): Float32Array {
  if (!(temperature > 0)) throw new Error(`temperature must be > 0 here (0 means greedy), got ${temperature}`);
  // z / 1 = z: the same array, not a copy (the filters after it never change their input).
  if (temperature === 1) return logits;
  const out = new Float32Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i] / temperature;
  return out;
}

/**
 * Top-k (Fan et al. 2018): keep the k largest logits, cut the rest.
 * A token tied with the k-th largest is kept as well, so ties can leave more than k.
 */
export function topK(logits: Float32Array, k: number): Float32Array {
  if (!Number.isInteger(k) || k < 1) throw new Error(`top-k must be a whole number >= 1, got ${k}`);
  if (k >= logits.length) return logits.slice();
  const kthLargest = logits[topIndices(logits, k)[k - 1]];
  return keepWhere(logits, (token) => logits[token] >= kthLargest);
}

/**
 * Top-p, or nucleus sampling (Holtzman et al. 2020): keep the smallest set of most probable
 * tokens whose probabilities add up to at least p, cut the rest. Ties at the boundary are kept.
 */
export function topP(logits: Float32Array, p: number): Float32Array {
  if (!(p > 0 && p <= 1)) throw new Error(`top-p must be in (0, 1], got ${p}`);
  const probs = softmax(logits);
  // Only tokens with probability above 0 are ranked: after top-k that is a few dozen, not the
  // whole vocabulary. Should rounding leave their mass short of p, every token is kept, as a
  // walk on into the zeros would.
  const positive: number[] = [];
  for (let i = 0; i < probs.length; i++) if (probs[i] > 0) positive.push(i);
  let mass = 0;
  let smallestKept = 0;
  for (const at of descendingOrder(positive.map((token) => probs[token]))) {
    mass += probs[positive[at]];
    if (mass >= p) {
      smallestKept = probs[positive[at]];
      break;
    }
  }
  return keepWhere(logits, (token) => probs[token] >= smallestKept);
}

/**
 * Min-p (Nguyen et al. 2024): keep the tokens with p_i >= min_p · p_max, cut the rest.
 * The bar rises when the model is confident and falls when it is unsure. Since
 * p_i / p_max = exp(z_i - z_max), the test is z_i >= z_max + ln(min_p), with no softmax needed.
 */
export function minP(logits: Float32Array, minProbability: number): Float32Array {
  if (!(minProbability >= 0 && minProbability <= 1)) throw new Error(`min-p must be in [0, 1], got ${minProbability}`);
  const threshold = logits[argmax(logits)] + Math.log(minProbability);
  return keepWhere(logits, (token) => logits[token] >= threshold);
}

/** Number of tokens a filter left in the running (logit above -Infinity). */
export function countKept(logits: Float32Array): number {
  let kept = 0;
  for (let i = 0; i < logits.length; i++) if (logits[i] > -Infinity) kept++;
  return kept;
}

/** A copy of `logits` in which every token failing `keep` is cut (set to -Infinity). */
function keepWhere(logits: Float32Array, keep: (token: number) => boolean): Float32Array {
  const out = new Float32Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = keep(i) ? logits[i] : -Infinity;
  return out;
}
