// `choice`: a question with choices, scored the way lm-eval-harness scores multiple choice. Each
// choice c is a continuation of the context; the model picks the one with the highest
//   ln p(c | context) / bytes(c)          (length-normalised, lm-eval-harness's acc_norm)
// Dividing by the UTF-8 length keeps long choices from losing only because every extra token
// costs log-probability. The suite's accuracy gets a Wilson 95% interval (intervals.ts) and is
// shown against chance, the mean of 1 / choices.

import { scoreContinuation } from './continuation';
import type { EvalModel } from './evalModel';
import { verdict, type TestOutcome } from './outcome';
import type { TestOf } from './suiteFile';

export async function runChoice(lm: EvalModel, test: TestOf<'choice'>): Promise<TestOutcome> {
  const logProbs: number[] = [];
  const normalised: number[] = [];
  for (const choice of test.choices) {
    const score = await scoreContinuation(lm, test.context, choice);
    logProbs.push(score.logProb);
    normalised.push(score.logProb / Buffer.byteLength(choice, 'utf8'));
  }
  const picked = normalised.indexOf(Math.max(...normalised));
  const shown = normalised.map((x, i) => `${i === picked ? '▶' : ' '} ${JSON.stringify(test.choices[i])}: ${x.toFixed(3)} nats/byte`).join('\n');
  return {
    status: verdict(picked === test.answer),
    message: `picked ${JSON.stringify(test.choices[picked])}, answer ${JSON.stringify(test.choices[test.answer])}\n${shown}`,
    figures: { picked, answer: test.answer, choices: test.choices.length, logProbs, normalised },
  };
}
