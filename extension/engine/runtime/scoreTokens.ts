// How surprised a model is by each token of a text: the cross-entropy −ln p(x_t | x_<t).
// A text longer than the context is scored in windows of `window` tokens that start every
// `stride` tokens; each window scores only the tokens the previous one did not, so every token is
// scored once, with at least window − stride tokens of context (the sliding-window perplexity of
// the Hugging Face guide). A window's last row predicts the token just past it, so that token is
// scored there, with the whole window as context. stride = window gives disjoint windows: faster,
// less context.

import type { KVCache } from '../model/languageModel';
import type { CausalLM } from './causalLM';

export interface ScoreOptions {
  /** Tokens per window; defaults to the model's context length. */
  readonly window?: number;
  /** Tokens between window starts, 1..window; defaults to window / 2. */
  readonly stride?: number;
  /** Positions run per call; defaults to as many as keep 16 M logits in memory. */
  readonly rowsPerCall?: number;
  /** Called after each window with the tokens scored so far and the number to score. */
  readonly onProgress?: (scored: number, total: number) => void;
  /** Called with each scored position t and the logits row that predicts tokens[t] (valid only during the call). */
  readonly onRow?: (t: number, row: Float32Array) => void;
  /** Checked before each window: once aborted, scoring stops with an AbortError. */
  readonly signal?: AbortSignal;
}

export interface TokenScores {
  /** nats[i] = −ln p(tokens[i + 1] | tokens[..i]): every token but the first is scored. */
  readonly nats: Float64Array;
  readonly totalNats: number;
}

const MAX_LOGITS_PER_CALL = 1 << 24;

/** The window and stride scoreTokens uses, with its defaults filled in; throws when they cannot work. */
export function scoringWindows(contextLength: number, options: Pick<ScoreOptions, 'window' | 'stride'>): { window: number; stride: number } {
  const window = options.window ?? contextLength;
  const stride = options.stride ?? Math.max(1, Math.floor(window / 2));
  if (!Number.isInteger(window) || window < 2 || window > contextLength) throw new Error(`window must be an integer from 2 to the context length ${contextLength}, not ${window}`);
  if (!Number.isInteger(stride) || stride < 1 || stride > window) throw new Error(`stride must be an integer from 1 to the window ${window}, not ${stride}`);
  return { window, stride };
}

export async function scoreTokens(model: CausalLM, tokens: readonly number[], options: ScoreOptions = {}): Promise<TokenScores> {
  const { window, stride } = scoringWindows(model.contextLength, options);

  const vocab = model.vocabSize;
  // Rows of logits per call are bounded so a large vocabulary does not exhaust memory. A model
  // without a KV cache cannot continue a window in pieces, so it runs each window whole.
  const chunk = model.hasKVCache ? (options.rowsPerCall ?? Math.max(1, Math.floor(MAX_LOGITS_PER_CALL / vocab))) : window;
  const nats = new Float64Array(Math.max(0, tokens.length - 1));
  let totalNats = 0;
  let scoredUpTo = 1; // tokens[1..scoredUpTo) have been scored
  for (let begin = 0; scoredUpTo < tokens.length; begin += stride) {
    options.signal?.throwIfAborted();
    const end = Math.min(begin + window, tokens.length);
    let cache: KVCache | undefined;
    for (let start = begin; start < end; start += chunk) {
      const stop = Math.min(start + chunk, end);
      const result = await model.forwardAll(tokens.slice(start, stop), cache);
      cache = result.cache;
      // The row of position p predicts token p + 1; score the tokens this window is responsible for.
      for (let t = Math.max(scoredUpTo, start + 1); t <= Math.min(stop, tokens.length - 1); t++) {
        const row = result.logits.subarray((t - 1 - start) * vocab, (t - start) * vocab);
        nats[t - 1] = logSumExp(row) - row[tokens[t]];
        totalNats += nats[t - 1];
        options.onRow?.(t, row);
      }
    }
    scoredUpTo = Math.min(end + 1, tokens.length);
    options.onProgress?.(scoredUpTo - 1, tokens.length - 1);
  }
  return { nats, totalNats };
}

/** ln Σ exp(x), shifted by the maximum so no term overflows. */
export function logSumExp(row: Float32Array): number {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i] > max) max = row[i];
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += Math.exp(row[i] - max);
  return max + Math.log(sum);
}
