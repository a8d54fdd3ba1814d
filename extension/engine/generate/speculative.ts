// Speculative decoding (Leviathan, Kalman & Matias 2023, arXiv:2211.17192), greedy form.
//
// A small draft model proposes k tokens one by one; the large target model scores all of them in
// ONE forward pass (k + 1 positions), which costs about as much as one decode step on hardware that
// is not saturated by a single token. The target keeps the longest prefix of the proposal that
// equals its own argmax and adds one token of its own (the correction at the first mismatch, or a
// bonus token when all k matched):
//
//   d₁…d_k = draft greedy                         k cheap calls
//   z₀…z_k = target logits after x, d₁, …, d_k    one call
//   a = max { i ≤ k : d_j = argmax z_{j−1} for all j ≤ i }
//   output d₁…d_a, argmax z_a                     a + 1 tokens per round
//
// Every output token is the target's argmax given the tokens before it, so the text equals the
// target's own greedy decoding exactly (the paper's rejection sampling reduces to this at
// temperature 0). The speed-up depends on the acceptance rate α = accepted / proposed: a round
// yields (1 − α^(k+1)) / (1 − α) tokens on average (paper, eq. 1).
//
// Caches are immutable, so a rejection costs no rollback: the target keeps its cache from before
// the round and feeds the accepted tokens again with the next proposal (in the same single call);
// the draft resumes from the cache it had after the last accepted token.

import type { KVCache, LanguageModel } from '../model/languageModel';
import { argmax } from './probabilities';

/** A language model that also returns the logits of every position it was given. */
export interface SequenceScorer extends LanguageModel {
  forwardAll(tokens: readonly number[], cache?: KVCache): Promise<{ readonly logits: Float32Array; readonly cache: KVCache }>;
}

export interface SpeculativeOptions {
  readonly maxNewTokens: number;
  /** Tokens the draft proposes per round (k). */
  readonly draftTokens: number;
  /** Generation ends once the target produces one of these (kept in `tokens`). */
  readonly stopTokenIds?: readonly number[];
}

export interface SpeculativeRound {
  /** The draft's proposal d₁…d_k. */
  readonly proposed: readonly number[];
  /** How many of them the target kept (a). */
  readonly accepted: number;
  /** The target's own token after the accepted ones. */
  readonly targetToken: number;
}

export type TokenSource = 'draft' | 'target';

export interface SpeculativeResult {
  readonly tokens: readonly number[];
  /** Per output token: proposed by the draft and accepted, or produced by the target. */
  readonly sources: readonly TokenSource[];
  readonly rounds: readonly SpeculativeRound[];
  readonly proposedTokens: number;
  readonly acceptedTokens: number;
  /** acceptedTokens ÷ proposedTokens. */
  readonly acceptanceRate: number;
  readonly targetCalls: number;
  readonly draftCalls: number;
  readonly finishReason: 'max-new-tokens' | 'stop-token' | 'context-full';
  readonly ms: number;
}

export async function speculativeDecode(draft: LanguageModel, target: SequenceScorer, prompt: readonly number[], options: SpeculativeOptions): Promise<SpeculativeResult> {
  if (draft.vocabSize !== target.vocabSize) throw new Error(`the draft model has ${draft.vocabSize} tokens and the target ${target.vocabSize}: they must share a tokenizer`);
  if (prompt.length === 0) throw new Error('speculative decoding needs a prompt of at least one token');
  if (!(Number.isInteger(options.draftTokens) && options.draftTokens >= 1)) throw new Error(`draft tokens per round must be a whole number ≥ 1, got ${options.draftTokens}`);
  const context = Math.min(draft.contextLength, target.contextLength);
  if (prompt.length >= context) throw new Error(`the prompt has ${prompt.length} tokens; the models' context holds ${context}`);
  const started = performance.now();
  const vocab = target.vocabSize;
  const tokens: number[] = [];
  const sources: TokenSource[] = [];
  const rounds: SpeculativeRound[] = [];
  let targetCache: KVCache | undefined;
  let targetPending: number[] = [...prompt];
  let draftCache: KVCache | undefined;
  let draftPending: number[] = [...prompt];
  let targetCalls = 0;
  let draftCalls = 0;
  let finishReason: SpeculativeResult['finishReason'] = 'max-new-tokens';

  while (tokens.length < options.maxNewTokens) {
    // The target will hold prompt + output + k proposals, so k shrinks near the end of the context;
    // at k = 0 the target alone takes the last token the window allows, as plain greedy decoding does.
    const room = context - (prompt.length + tokens.length);
    if (room < 0) {
      finishReason = 'context-full';
      break;
    }
    const k = Math.min(options.draftTokens, room, options.maxNewTokens - tokens.length);
    // Draft: k greedy tokens; draftCaches[i] holds the context and d₁…dᵢ.
    const proposed: number[] = [];
    const draftCaches: KVCache[] = [];
    let step = k > 0 ? await draft.forward(draftPending, draftCache) : undefined;
    if (step) {
      draftCalls++;
      draftCaches.push(step.cache);
    }
    while (step && proposed.length < k) {
      proposed.push(argmax(step.logits));
      if (proposed.length === k) break;
      step = await draft.forward([proposed[proposed.length - 1]], step.cache);
      draftCalls++;
      draftCaches.push(step.cache);
    }
    // Target: one call over the pending tokens and the proposal; row r − 1 + j scores d_{j+1}.
    const scored = await target.forwardAll([...targetPending, ...proposed], targetCache);
    targetCalls++;
    const row = (j: number) => argmax(scored.logits.subarray((targetPending.length - 1 + j) * vocab, (targetPending.length + j) * vocab));
    let accepted = 0;
    while (accepted < k && row(accepted) === proposed[accepted]) accepted++;
    const targetToken = row(accepted);
    rounds.push({ proposed, accepted, targetToken });

    if (k === 0) {
      targetCache = scored.cache;
      targetPending = [targetToken];
    } else if (accepted === k) {
      targetCache = scored.cache;
      targetPending = [targetToken];
      draftCache = draftCaches[k - 1];
      draftPending = [proposed[k - 1], targetToken];
    } else {
      targetPending = [...targetPending, ...proposed.slice(0, accepted), targetToken];
      draftCache = draftCaches[accepted];
      draftPending = [targetToken];
    }
    const produced = [...proposed.slice(0, accepted), targetToken];
    for (const [i, token] of produced.entries()) {
      if (tokens.length === options.maxNewTokens) break;
      tokens.push(token);
      sources.push(i < accepted ? 'draft' : 'target');
      if (options.stopTokenIds?.includes(token)) {
        finishReason = 'stop-token';
        break;
      }
    }
    if (finishReason === 'stop-token') break;
  }
  const proposedTokens = rounds.reduce((n, r) => n + r.proposed.length, 0);
  const acceptedTokens = rounds.reduce((n, r) => n + r.accepted, 0);
  return {
    tokens, sources, rounds, proposedTokens, acceptedTokens, acceptanceRate: proposedTokens ? acceptedTokens / proposedTokens : 0,
    targetCalls, draftCalls, finishReason, ms: performance.now() - started,
  };
}
