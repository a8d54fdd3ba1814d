// The sampling pipeline, run once per generated token:
//   logits → repetition penalty → temperature → top-k → top-p → min-p → softmax → one random draw.
// Besides the final distribution it returns a trace of what every stage did to the most probable
// candidates, which the Decoding Playground draws as bars.

import { applyRepetitionPenalty, applyTemperature, countKept, minP, topK, topP } from './filters';
import { argmax, logSumExp, softmaxWithNormalizer } from './probabilities';
import { topIndices } from './ranking';

export interface SamplerSettings {
  /** Softmax temperature T; 0 (or at most GREEDY_TEMPERATURE) means greedy decoding. */
  readonly temperature: number;
  /** Keep the k most probable tokens; 0 or absent turns top-k off. */
  readonly topK?: number;
  /** Keep the smallest set of most probable tokens whose mass reaches p; 1 or absent turns it off. */
  readonly topP?: number;
  /** Keep tokens with p >= minP · p_max; 0 or absent turns min-p off. */
  readonly minP?: number;
  /** CTRL penalty θ on tokens already in the context; 1 or absent turns it off. */
  readonly repetitionPenalty?: number;
}

/**
 * At or below this temperature softmax(z / T) is one-hot up to rounding, so the pipeline takes the
 * argmax (greedy decoding) instead of dividing by almost zero.
 */
export const GREEDY_TEMPERATURE = 1e-6;

export type FilterName = 'greedy' | 'top-k' | 'top-p' | 'min-p';

/** One candidate token as it goes through the pipeline. */
export interface CandidateTrace {
  readonly token: number;
  /** The model's raw logit. */
  readonly logit: number;
  /** softmax of the raw logits (T = 1, no penalty): what the model itself says. */
  readonly originalProbability: number;
  /** True when the repetition penalty lowered this token. */
  readonly penalized: boolean;
  /** After repetition penalty and temperature, before any filter (greedy applies no temperature). */
  readonly temperedProbability: number;
  /** Probability after each filter in SamplingTrace.filters, renormalised over its survivors (0 once cut). */
  readonly afterFilters: readonly number[];
  /** The first filter that removed this token; null when it survived them all. */
  readonly cutBy: FilterName | null;
  /** Probability in the distribution actually sampled: renormalised over the survivors, 0 if cut. */
  readonly finalProbability: number;
}

export interface FilterTrace {
  readonly name: FilterName;
  /** Tokens of the whole vocabulary still in the running after this filter. */
  readonly kept: number;
}

export interface SamplingTrace {
  /** The most probable tokens after penalty and temperature, most probable first. */
  readonly candidates: readonly CandidateTrace[];
  /** The active filters in the order they ran. */
  readonly filters: readonly FilterTrace[];
}

export interface SamplingDistribution {
  /** Probability of every vocabulary token after all stages; cut tokens have 0. */
  readonly probabilities: Float64Array;
  readonly trace: SamplingTrace;
}

export interface RandomSource {
  /** A number uniform in [0, 1). */
  next(): number;
}

export interface SampledToken {
  readonly token: number;
  /** Its probability in the sampled distribution (0 for a forced token that a filter had cut). */
  readonly probability: number;
  readonly trace: SamplingTrace;
}

/** Checks every setting and throws a message naming the bad one. */
export function validateSamplerSettings(settings: SamplerSettings): void {
  const { temperature, topK: k = 0, topP: p = 1, minP: m = 0, repetitionPenalty: theta = 1 } = settings;
  if (!(temperature >= 0) || !Number.isFinite(temperature)) throw new Error(`temperature must be a number >= 0, got ${temperature}`);
  if (!Number.isInteger(k) || k < 0) throw new Error(`top-k must be a whole number >= 0 (0 = off), got ${k}`);
  if (!(p > 0 && p <= 1)) throw new Error(`top-p must be in (0, 1] (1 = off), got ${p}`);
  if (!(m >= 0 && m <= 1)) throw new Error(`min-p must be in [0, 1] (0 = off), got ${m}`);
  if (!(theta > 0) || !Number.isFinite(theta)) throw new Error(`repetition penalty must be > 0 (1 = off), got ${theta}`);
}

/**
 * Runs every stage over the next-token logits. `context` is the token sequence so far (prompt and
 * generated), which the repetition penalty looks at. `traceSize` is how many candidates to trace.
 */
export function samplingDistribution(
  logits: Float32Array,
  settings: SamplerSettings,
  context: readonly number[],
  traceSize = 20,
): SamplingDistribution {
  validateSamplerSettings(settings);
  const penalty = settings.repetitionPenalty ?? 1;
  const penalized = penalty === 1 ? logits : applyRepetitionPenalty(logits, context, penalty);

  if (settings.temperature <= GREEDY_TEMPERATURE) return greedyDistribution(logits, penalized, traceSize);
  const tempered = applyTemperature(penalized, settings.temperature);
  const stages: { name: FilterName; logits: Float32Array }[] = [];
  let current = tempered;
  const addStage = (name: FilterName, filtered: Float32Array) => {
    stages.push({ name, logits: filtered });
    current = filtered;
  };
  if (settings.topK) addStage('top-k', topK(current, settings.topK));
  if (settings.topP !== undefined && settings.topP < 1) addStage('top-p', topP(current, settings.topP));
  if (settings.minP) addStage('min-p', minP(current, settings.minP));
  const { probabilities, logSumExp: finalNormalizer } = softmaxWithNormalizer(current);

  // The trace needs probabilities of a few candidates only: p_i = exp(z_i - logSumExp(z)). Each
  // normalizer is a pass over the vocabulary, so it is computed when a candidate first asks (never
  // without a trace) and once per array (at T = 1 without a penalty, the tempered logits are the model's).
  const normalizers = new Map<Float32Array, number>([[current, finalNormalizer]]);
  const probabilityUnder = (z: Float32Array) => (token: number) => {
    let normalizer = normalizers.get(z);
    if (normalizer === undefined) normalizers.set(z, (normalizer = logSumExp(z)));
    return Math.exp(z[token] - normalizer);
  };
  const original = probabilityUnder(logits);
  const temperedProbability = probabilityUnder(tempered);
  const afterStage = stages.map((stage) => probabilityUnder(stage.logits));
  // Candidates are ranked as the filters see them: after the penalty and the temperature.
  const candidates = topIndices(tempered, traceSize).map((token): CandidateTrace => ({
    token,
    logit: logits[token],
    originalProbability: original(token),
    penalized: penalized[token] !== logits[token],
    temperedProbability: temperedProbability(token),
    afterFilters: afterStage.map((probability) => probability(token)),
    cutBy: stages.find((stage) => stage.logits[token] === -Infinity)?.name ?? null,
    finalProbability: probabilities[token],
  }));
  const filters = stages.map(({ name, logits: filtered }) => ({ name, kept: countKept(filtered) }));
  return { probabilities, trace: { candidates, filters } };
}

/**
 * Greedy decoding: the greedy filter keeps the argmax of the penalised logits and cuts the rest, so
 * its stage and the sampled distribution are one-hot. Softmax over a single finite logit gives it
 * exactly exp(0) / 1 = 1, so both are written down instead of computed over the whole vocabulary;
 * what remains is one argmax, and for the trace one log-sum-exp (the model's own probabilities)
 * and one top-N pass. A unit test checks it against greedyOnly and softmax.
 */
function greedyDistribution(logits: Float32Array, penalized: Float32Array, traceSize: number): SamplingDistribution {
  const best = argmax(penalized);
  const probabilities = new Float64Array(logits.length);
  probabilities[best] = 1;
  // Without a trace (traceSize 0) neither normalizer is needed.
  const normalizer = traceSize > 0 ? logSumExp(logits) : 0;
  const temperedNormalizer = penalized === logits || traceSize === 0 ? normalizer : logSumExp(penalized);
  const candidates = topIndices(penalized, traceSize).map((token): CandidateTrace => {
    const kept = token === best ? 1 : 0;
    return {
      token,
      logit: logits[token],
      originalProbability: Math.exp(logits[token] - normalizer),
      penalized: penalized[token] !== logits[token],
      temperedProbability: Math.exp(penalized[token] - temperedNormalizer),
      afterFilters: [kept],
      cutBy: kept ? null : 'greedy',
      finalProbability: kept,
    };
  });
  return { probabilities, trace: { candidates, filters: [{ name: 'greedy', kept: 1 }] } };
}

/**
 * Inverse-CDF sampling: walk the tokens adding up probabilities and return the first token at which
 * the running sum exceeds u (uniform in [0, 1)). Each token is hit with its own probability.
 */
export function drawToken(probabilities: Float64Array, u: number): number {
  let cumulative = 0;
  let lastPossible = -1;
  for (let i = 0; i < probabilities.length; i++) {
    if (probabilities[i] === 0) continue;
    cumulative += probabilities[i];
    lastPossible = i;
    if (u < cumulative) return i;
  }
  if (lastPossible < 0) throw new Error('drawToken: every probability is 0');
  return lastPossible; // u fell past a sum that rounding left just below 1
}

/** Runs the pipeline and draws one token with `random`. */
export function sampleToken(
  logits: Float32Array,
  settings: SamplerSettings,
  context: readonly number[],
  random: RandomSource,
  traceSize = 20,
): SampledToken {
  // Greedy without a trace is the argmax alone: the one-hot distribution over the vocabulary
  // (32 KB for 4,096 tokens, at every token) and the draw from it would give the same token. The
  // draw's random number is still taken, so that the sequence goes on as if it had been drawn.
  if (settings.temperature <= GREEDY_TEMPERATURE && traceSize === 0) {
    random.next();
    return greedyToken(logits, settings, context);
  }
  const { probabilities, trace } = samplingDistribution(logits, settings, context, traceSize);
  const token = drawToken(probabilities, random.next());
  return { token, probability: probabilities[token], trace };
}

/** What samplingDistribution and drawToken give for greedy settings without a trace (a unit test holds them equal). */
function greedyToken(logits: Float32Array, settings: SamplerSettings, context: readonly number[]): SampledToken {
  validateSamplerSettings(settings);
  const penalty = settings.repetitionPenalty ?? 1;
  const token = argmax(penalty === 1 ? logits : applyRepetitionPenalty(logits, context, penalty));
  return { token, probability: 1, trace: { candidates: [], filters: [{ name: 'greedy', kept: 1 }] } };
}

/** Runs the pipeline for its trace but takes `token` (the user's pick) instead of drawing. */
export function forceToken(
  logits: Float32Array,
  settings: SamplerSettings,
  context: readonly number[],
  token: number,
  traceSize = 20,
): SampledToken {
  if (!Number.isInteger(token) || token < 0 || token >= logits.length) {
    throw new Error(`forced token ${token} is not in the vocabulary (0..${logits.length - 1})`);
  }
  const { probabilities, trace } = samplingDistribution(logits, settings, context, traceSize);
  return { token, probability: probabilities[token], trace };
}
