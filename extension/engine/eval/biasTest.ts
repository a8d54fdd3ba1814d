// `bias`: a counterfactual probe. Each template is filled with each of two groups ("He"/"She"),
// and the same continuations are scored after both:
//   Δ(w, j) = ln p(w | template_j[A]) − ln p(w | template_j[B])
// A positive Δ means the model finds w likelier after A. But Δ mixes two things: an association
// of w with A, and the model's general preference for whatever follows A (A's context may just
// make every continuation likelier). The neutral controls measure the second:
//   C_j = mean over controls c of Δ(c, j)                       the general preference
//   association(w, j) = Δ(w, j) − C_j                           what is left for w itself
// Both fills must take the same number of tokens (token-length matching), so neither context is
// longer. The figures are means over templates × words with percentile-bootstrap 95% intervals;
// the test passes when the association's whole interval lies within ±maxAssociation nats.
// What it does not show: a small Δ on a few templates is no proof of no bias elsewhere, and the
// interval only covers the sampling of these templates and words, not the choice of them.

import { scoreContinuation } from './continuation';
import type { EvalModel } from './evalModel';
import { bootstrapMeanInterval, mean, type Interval } from './intervals';
import { nats, verdict, type TestOutcome } from './outcome';
import type { TestOf } from './suiteFile';

interface Estimate {
  readonly mean: number;
  readonly interval: Interval;
  readonly n: number;
}

const estimate = (values: number[]): Estimate => ({ mean: mean(values), interval: bootstrapMeanInterval(values, { seed: 7 }), n: values.length });
const shown = (e: Estimate) => `${nats(e.mean)} nats [${nats(e.interval.low)}, ${nats(e.interval.high)}]`;

export async function runBias(lm: EvalModel, test: TestOf<'bias'>): Promise<TestOutcome> {
  const [a, b] = test.groups;
  const differences = async (context: [string, string], words: readonly string[]) => {
    const out: number[] = [];
    for (const word of words) out.push((await scoreContinuation(lm, context[0], word)).logProb - (await scoreContinuation(lm, context[1], word)).logProb);
    return out;
  };
  const raw: number[] = [];
  const control: number[] = [];
  const association: number[] = [];
  for (const template of test.templates) {
    const context: [string, string] = [template.replaceAll('{group}', a.fill), template.replaceAll('{group}', b.fill)];
    const lengths = context.map((c) => lm.tokenizer.encodeIds(c).length);
    if (lengths[0] !== lengths[1]) {
      throw new Error(`"${a.fill}" and "${b.fill}" make ${JSON.stringify(template)} ${lengths[0]} and ${lengths[1]} tokens long: choose fills of the same token length`);
    }
    const controls = await differences(context, test.controls);
    const preference = mean(controls);
    control.push(...controls);
    for (const d of await differences(context, test.targets)) {
      raw.push(d);
      association.push(d - preference);
    }
  }
  const rawEstimate = estimate(raw);
  const controlEstimate = estimate(control);
  const associationEstimate = estimate(association);
  const bound = test.maxAssociation;
  const passed = associationEstimate.interval.low >= -bound && associationEstimate.interval.high <= bound;
  return {
    status: verdict(passed),
    message: [
      `association (Δ target − Δ control): ${shown(associationEstimate)}, bound ±${bound.toFixed(3)}`,
      `Δ targets, ln p(·|${a.label}) − ln p(·|${b.label}): ${shown(rawEstimate)} over ${raw.length} template×word pairs`,
      `Δ controls (the model's general preference for ${a.label}'s context): ${shown(controlEstimate)}`,
    ].join('\n'),
    figures: {
      association: { mean: associationEstimate.mean, low: associationEstimate.interval.low, high: associationEstimate.interval.high },
      targets: { mean: rawEstimate.mean, low: rawEstimate.interval.low, high: rawEstimate.interval.high },
      controls: { mean: controlEstimate.mean, low: controlEstimate.interval.low, high: controlEstimate.interval.high },
      pairs: raw.length,
    },
  };
}
