// The surprise of every token of a text under a model: s_t = −ln p(x_t | x_<t), in nats.
// The text is tokenized once, the model's start token put before it (so the first token is scored
// too), and scored by scoreTokens: windows of `window` tokens starting every `stride` tokens, each
// scoring only the tokens the previous one did not, so every token is scored once with at least
// window − stride tokens of context. Σ s_t / N is then exactly the loss `eval` reports.
// Each row also gives the token's probability, its rank, the model's top alternatives and one
// (confidence, correct) pair for the reliability diagram.

import { scoreTokens, scoringWindows } from '../runtime/scoreTokens';
import { CalibrationCounter, type Calibration } from './calibration';
import type { EvalModel } from './evalModel';
import { rowStats } from './rowStats';
import { summarize, type TextEvaluation } from './textMetrics';

export interface SurpriseToken {
  readonly id: number;
  readonly text: string;
  /** UTF-16 offsets in the text, [start, end). */
  readonly start: number;
  readonly end: number;
  readonly nats: number;
  readonly probability: number;
  readonly rank: number;
  readonly top: readonly { readonly id: number; readonly text: string; readonly probability: number }[];
}

export interface SurpriseOptions {
  readonly window?: number;
  readonly stride?: number;
  /** Alternatives kept per token (default 5). */
  readonly topN?: number;
  readonly calibrationBins?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (scored: number, total: number) => void;
}

export interface SurpriseReport {
  readonly window: number;
  readonly stride: number;
  readonly startToken: number | undefined;
  readonly tokens: readonly SurpriseToken[];
  readonly evaluation: TextEvaluation;
  readonly calibration: Calibration;
}

export async function scoreSurprise(lm: EvalModel, text: string, options: SurpriseOptions = {}): Promise<SurpriseReport> {
  const { model, tokenizer, startToken } = lm;
  const { window, stride } = scoringWindows(model.contextLength, options);
  const spans = tokenizer.encode(text);
  const ids = [...(startToken === undefined ? [] : [startToken]), ...spans.map((s) => s.id)];
  if (ids.length < 2) throw new Error('the text is too short to score: it needs at least one token after the start token');
  const offset = startToken === undefined ? 0 : 1;
  const topN = options.topN ?? 5;
  const calibration = new CalibrationCounter(options.calibrationBins);
  const names = new Map<number, string>();
  const name = (id: number) => names.get(id) ?? names.set(id, tokenizer.decode([id])).get(id) ?? '';
  const tokens: SurpriseToken[] = [];
  const scores = await scoreTokens(model, ids, {
    window,
    stride,
    signal: options.signal,
    onProgress: options.onProgress,
    onRow: (t, row) => {
      const stats = rowStats(row, ids[t], topN);
      calibration.add(stats.top[0].probability, stats.top[0].id === ids[t]);
      const span = spans[t - offset];
      tokens.push({ id: span.id, text: span.text, start: span.start, end: span.end, nats: stats.nats, probability: stats.probability, rank: stats.rank, top: stats.top.map((a) => ({ ...a, text: name(a.id) })) });
    },
  });
  // Without a start token the first token is not scored, nor its bytes counted.
  const bytes = spans.slice(1 - offset).reduce((sum, s) => sum + s.bytes.length, 0);
  return { window, stride, startToken, tokens, evaluation: summarize(ids.length, scores.totalNats, bytes), calibration: calibration.result() };
}
