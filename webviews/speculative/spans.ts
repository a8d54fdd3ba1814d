// The generated text of a speculative run as coloured spans, round by round (Leviathan et al. 2023):
//   accepted   the draft proposed it and the target's argmax agreed
//   rejected   the draft proposed it after a disagreement: dropped, never part of the output
//   corrected  the target's own token where the draft was wrong
//   bonus      the target's extra token after a round in which every proposal was accepted
// Only `tokens` output tokens are shown: the last round may produce more than the run kept.
import type { RoundView } from './protocol';

export type SpanKind = 'accepted' | 'rejected' | 'corrected' | 'bonus';

export interface Span {
  readonly text: string;
  readonly kind: SpanKind;
  /** The round it came from, counting from 1. */
  readonly round: number;
}

export function speculativeSpans(rounds: readonly RoundView[], tokens: number): Span[] {
  const spans: Span[] = [];
  let output = 0;
  for (const [i, r] of rounds.entries()) {
    const round = i + 1;
    for (const text of r.proposed.slice(0, r.accepted)) {
      if (output === tokens) return spans;
      spans.push({ text, kind: 'accepted', round });
      output++;
    }
    if (output === tokens) return spans;
    for (const text of r.proposed.slice(r.accepted)) spans.push({ text, kind: 'rejected', round });
    spans.push({ text: r.targetToken, kind: r.accepted < r.proposed.length ? 'corrected' : 'bonus', round });
    output++;
  }
  return spans;
}
