// Beam search: follow the `width` most probable partial sequences (beams) instead of one.
// At each step every live beam proposes its best next tokens; all proposals are ranked by
// cumulative log-probability log P(y_1..y_t | prompt) and the best `width` survive. A proposal that
// ends in EOS becomes a finished hypothesis. Hypotheses of different lengths are compared by the
// length-normalised score of Wu et al. 2016 (GNMT, eq. 14, without its coverage term):
//   score(Y) = log P(Y | X) / lp(Y),   lp(Y) = ((5 + |Y|) / (5 + 1))^α
// with |Y| the number of generated tokens, EOS included. α = 0 compares raw log-probabilities,
// which favours short outputs; larger α favours longer ones. Live beams all have the same length,
// so ranking them by log-probability or by score is the same.
// Every proposal is kept as a node of the search tree, so the UI can draw the whole search.
// The prompt is prefilled once; since caches are immutable, every beam extends its parent's cache.

import type { KVCache, LanguageModel } from '../model/languageModel';
import { logSoftmax } from './probabilities';
import { topIndices } from './ranking';

export interface BeamSearchOptions {
  /** Number of beams kept at each step. */
  readonly width: number;
  /** Longest continuation, in tokens. */
  readonly maxNewTokens: number;
  /** α of the length penalty. Default 0.6. */
  readonly lengthPenalty?: number;
  /** Tokens that end a hypothesis (e.g. <|endoftext|>). Without any, beams run to maxNewTokens. */
  readonly eosTokenIds?: readonly number[];
  /** Checked before each step; an abort returns the best hypotheses found so far. */
  readonly signal?: AbortSignal;
}

/** 'kept': survived its step. 'pruned': ranked below the beam width. 'finished': a complete hypothesis. */
export type BeamNodeStatus = 'kept' | 'pruned' | 'finished';

/** One proposed token: a node of the search tree. */
export interface BeamNode {
  readonly id: number;
  /** The node this token extends; null for the first token (its parent is the prompt). */
  readonly parentId: number | null;
  readonly token: number;
  /** 0 for the first generated token; the sequence up to here has step + 1 tokens. */
  readonly step: number;
  /** log p(token | prompt and the tokens before it). */
  readonly tokenLogprob: number;
  /** Sum of tokenLogprob from the first token to this one. */
  readonly cumulativeLogprob: number;
  /** cumulativeLogprob / lp(step + 1). */
  readonly score: number;
  readonly status: BeamNodeStatus;
  /** Why a finished node is complete: it is EOS, or the sequence reached maxNewTokens. */
  readonly finishedBy: 'eos' | 'max-length' | null;
}

export interface Beam {
  /** Generated tokens, EOS included when it ended the beam. */
  readonly tokens: readonly number[];
  readonly cumulativeLogprob: number;
  readonly score: number;
  /** The tree node of the last token. */
  readonly nodeId: number;
}

export type BeamSearchStop = 'max-new-tokens' | 'all-finished' | 'no-better-beam' | 'aborted';

export interface BeamSearchResult {
  /** Up to `width` best hypotheses, best score first (after an abort, live beams count too). */
  readonly beams: readonly Beam[];
  /** Every proposal in the order it was made; a node's parent always comes before it. */
  readonly nodes: readonly BeamNode[];
  readonly stopReason: BeamSearchStop;
  readonly prefillMs: number;
}

/** lp(Y) = ((5 + |Y|) / 6)^α (Wu et al. 2016). */
export function lengthPenalty(length: number, alpha: number): number {
  return ((5 + length) / 6) ** alpha;
}

interface LiveBeam {
  readonly node: BeamNode | null;
  readonly cache: KVCache;
  readonly logits: Float32Array;
}

type MutableNode = { -readonly [K in keyof BeamNode]: BeamNode[K] };

export async function beamSearch(model: LanguageModel, prompt: readonly number[], options: BeamSearchOptions): Promise<BeamSearchResult> {
  validate(model, prompt, options);
  const { width, maxNewTokens } = options;
  const alpha = options.lengthPenalty ?? 0.6;
  const eos = new Set(options.eosTokenIds ?? []);
  // Enough proposals per beam that `width` non-EOS ones remain even if every EOS ranks high.
  const proposalsPerBeam = Math.min(width + eos.size, model.vocabSize);

  const started = performance.now();
  const prefill = await model.forward(prompt, undefined, options.signal);
  const prefillMs = performance.now() - started;

  const nodes: MutableNode[] = [];
  const finished: MutableNode[] = [];
  let live: LiveBeam[] = [{ node: null, cache: prefill.cache, logits: prefill.logits }];
  let stopReason: BeamSearchStop = 'max-new-tokens';

  for (let step = 0; step < maxNewTokens; step++) {
    if (options.signal?.aborted) {
      stopReason = 'aborted';
      break;
    }
    const proposals: { node: MutableNode; from: LiveBeam }[] = [];
    for (const beam of live) {
      const logprobs = logSoftmax(beam.logits);
      for (const token of topIndices(logprobs, proposalsPerBeam)) {
        const cumulativeLogprob = (beam.node?.cumulativeLogprob ?? 0) + logprobs[token];
        const node: MutableNode = {
          id: nodes.length,
          parentId: beam.node?.id ?? null,
          token,
          step,
          tokenLogprob: logprobs[token],
          cumulativeLogprob,
          score: cumulativeLogprob / lengthPenalty(step + 1, alpha),
          status: 'pruned',
          finishedBy: null,
        };
        nodes.push(node);
        proposals.push({ node, from: beam });
      }
    }

    // Rank all proposals; the sort is stable, so ties keep beam order, then token order.
    proposals.sort((a, b) => b.node.cumulativeLogprob - a.node.cumulativeLogprob);
    const survivors: { node: MutableNode; from: LiveBeam }[] = [];
    proposals.forEach((proposal, rank) => {
      const { node } = proposal;
      if (eos.has(node.token)) {
        // EOS within the top `width` completes a hypothesis; lower down it is pruned.
        if (rank < width) finish(node, 'eos');
      } else if (survivors.length < width) {
        node.status = 'kept';
        survivors.push(proposal);
      }
    });

    if (step + 1 === maxNewTokens) {
      for (const { node } of survivors) finish(node, 'max-length');
      live = [];
      break;
    }
    if (survivors.length === 0) {
      stopReason = 'all-finished';
      live = [];
      break;
    }
    if (noLiveBeamCanEnterTop(survivors.map((s) => s.node), step)) {
      stopReason = 'no-better-beam';
      live = [];
      break;
    }
    live = [];
    for (const { node, from } of survivors) {
      const { logits, cache } = await model.forward([node.token], from.cache, options.signal);
      live.push({ node, cache, logits });
    }
  }

  const pool = [...finished, ...live.flatMap((beam) => (beam.node ? [beam.node] : []))];
  const beams = pool
    .sort((a, b) => b.score - a.score)
    .slice(0, width)
    .map((node) => ({ tokens: tokensOf(node, nodes), cumulativeLogprob: node.cumulativeLogprob, score: node.score, nodeId: node.id }));
  return { beams, nodes, stopReason, prefillMs };

  function finish(node: MutableNode, by: 'eos' | 'max-length'): void {
    node.status = 'finished';
    node.finishedBy = by;
    finished.push(node);
  }

  // A live beam's log-probability c can only fall, so the best score it could still reach is
  // c / (the largest lp over the lengths it could finish at); lp is monotone in length, so that
  // largest lp is at one end. Stop once no live beam could beat the width-th finished score.
  function noLiveBeamCanEnterTop(liveNodes: readonly BeamNode[], step: number): boolean {
    if (finished.length < width) return false;
    const scores = finished.map((n) => n.score).sort((a, b) => b - a);
    const bar = scores[width - 1];
    const largestLp = Math.max(lengthPenalty(step + 2, alpha), lengthPenalty(maxNewTokens, alpha));
    return liveNodes.every((n) => n.cumulativeLogprob / largestLp < bar);
  }
}

function tokensOf(last: BeamNode, nodes: readonly BeamNode[]): number[] {
  const tokens: number[] = [];
  for (let node: BeamNode | null = last; node; node = node.parentId === null ? null : nodes[node.parentId]) tokens.push(node.token);
  return tokens.reverse();
}

function validate(model: LanguageModel, prompt: readonly number[], options: BeamSearchOptions): void {
  const { width, maxNewTokens, lengthPenalty: alpha = 0.6 } = options;
  if (!Number.isInteger(width) || width < 1) throw new Error(`beam width must be a whole number >= 1, got ${width}`);
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1) throw new Error(`maxNewTokens must be a whole number >= 1, got ${maxNewTokens}`);
  if (!Number.isFinite(alpha)) throw new Error(`length penalty α must be a finite number, got ${alpha}`);
  if (prompt.length === 0) throw new Error('the prompt is empty: the model needs at least one token to predict the next');
  const bad = prompt.find((t) => !Number.isInteger(t) || t < 0 || t >= model.vocabSize);
  if (bad !== undefined) throw new Error(`prompt token ${bad} is not in the vocabulary (0..${model.vocabSize - 1})`);
  // The last chosen token is never fed back, so the model sees prompt + maxNewTokens - 1 tokens.
  if (prompt.length + maxNewTokens - 1 > model.contextLength) {
    throw new Error(
      `the prompt (${prompt.length} tokens) plus ${maxNewTokens} new tokens does not fit the model's context of ${model.contextLength}`,
    );
  }
}
