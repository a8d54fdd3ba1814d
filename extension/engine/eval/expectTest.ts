// `expect`: a prompt and the continuation it should get, checked one of three ways:
//   greedy   greedy decoding (always the most probable token) writes the expected text;
//   logprob  ln p(expected | prompt) = Σ_i ln p(c_i | prompt, c_<i) ≥ minLogProb;
//   topk     every expected token ranks within the model's k likeliest at its position
//            (teacher-forced: each position sees the expected tokens before it).

import { generate } from '../generate/generate';
import { contextTokens, scoreContinuation } from './continuation';
import type { EvalModel } from './evalModel';
import { nats, verdict, type TestOutcome } from './outcome';
import type { TestOf } from './suiteFile';

export async function runExpect(lm: EvalModel, test: TestOf<'expect'>): Promise<TestOutcome> {
  const score = await scoreContinuation(lm, test.prompt, test.expected);
  const figures = { logProb: score.logProb, ranks: score.ranks, tokens: score.tokens.length };
  if (test.mode === 'logprob') {
    const min = test.minLogProb ?? 0;
    return { status: verdict(score.logProb >= min), message: `ln p(expected | prompt) = ${nats(score.logProb)} nats (threshold ${nats(min)})`, figures };
  }
  if (test.mode === 'topk') {
    const worst = Math.max(...score.ranks);
    return { status: verdict(worst <= test.k), message: `worst rank of an expected token: ${worst} (must be within the top ${test.k}); ranks ${score.ranks.join(', ')}`, figures };
  }
  // Two tokens more than the expected text takes, so a different split into tokens still compares by text.
  const prompt = contextTokens(lm, test.prompt);
  const maxNewTokens = Math.min(score.tokens.length + 2, lm.model.contextLength - prompt.length);
  const result = await generate(lm.model, prompt, { sampler: { temperature: 0 }, maxNewTokens, decode: (ids) => lm.tokenizer.decode(ids) });
  const passed = result.text.startsWith(test.expected);
  return {
    status: verdict(passed),
    message: passed ? `greedy decoding writes ${JSON.stringify(test.expected)}` : `greedy decoding writes ${JSON.stringify(result.text)}, not ${JSON.stringify(test.expected)}`,
    figures: { ...figures, greedy: result.text },
  };
}
