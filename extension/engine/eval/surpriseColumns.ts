// A surprise report as columns of typed arrays, the form it crosses from the eval process to the
// extension host in. 25,000 tokens as objects (each with its alternatives) are 150,000 objects,
// which took the receiving thread over a second to deserialize; typed arrays are copied as
// blocks. The host reads tokens one at a time (`token(i)`) when it needs one, for a hover or a
// diagnostic, and the columns directly for shading.

import type { Calibration } from './calibration';
import type { SurpriseReport, SurpriseToken } from './surprise';
import type { TextEvaluation } from './textMetrics';

export interface PackedSurprise {
  readonly window: number;
  readonly stride: number;
  readonly evaluation: TextEvaluation;
  readonly calibration: Calibration;
  readonly ids: Int32Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly nats: Float64Array;
  readonly ranks: Int32Array;
  readonly texts: readonly string[];
  /** Alternatives per token. */
  readonly topN: number;
  /** topIds[i * topN + j]: the j-th likeliest token at position i (−1 where there are fewer). */
  readonly topIds: Int32Array;
  readonly topProbabilities: Float64Array;
  /** The text of every token id among the alternatives. */
  readonly alternativeIds: Int32Array;
  readonly alternativeTexts: readonly string[];
}

export function packSurprise(report: SurpriseReport): PackedSurprise {
  const n = report.tokens.length;
  const topN = Math.max(0, ...report.tokens.map((t) => t.top.length));
  const packed = {
    window: report.window,
    stride: report.stride,
    evaluation: report.evaluation,
    calibration: report.calibration,
    ids: new Int32Array(n),
    starts: new Int32Array(n),
    ends: new Int32Array(n),
    nats: new Float64Array(n),
    ranks: new Int32Array(n),
    texts: report.tokens.map((t) => t.text),
    topN,
    topIds: new Int32Array(n * topN).fill(-1),
    topProbabilities: new Float64Array(n * topN),
  };
  const names = new Map<number, string>();
  report.tokens.forEach((t, i) => {
    packed.ids[i] = t.id;
    packed.starts[i] = t.start;
    packed.ends[i] = t.end;
    packed.nats[i] = t.nats;
    packed.ranks[i] = t.rank;
    t.top.forEach((a, j) => {
      packed.topIds[i * topN + j] = a.id;
      packed.topProbabilities[i * topN + j] = a.probability;
      names.set(a.id, a.text);
    });
  });
  return { ...packed, alternativeIds: Int32Array.from(names.keys()), alternativeTexts: [...names.values()] };
}

/** Reads a packed report token by token. */
export class SurpriseColumns {
  private readonly names: Map<number, string>;

  constructor(readonly packed: PackedSurprise) {
    this.names = new Map(Array.from(packed.alternativeIds, (id, i) => [id, packed.alternativeTexts[i]]));
  }

  get length(): number {
    return this.packed.ids.length;
  }

  token(i: number): SurpriseToken {
    const p = this.packed;
    const top: SurpriseToken['top'][number][] = [];
    for (let j = 0; j < p.topN && p.topIds[i * p.topN + j] >= 0; j++) {
      const id = p.topIds[i * p.topN + j];
      top.push({ id, text: this.names.get(id) ?? '', probability: p.topProbabilities[i * p.topN + j] });
    }
    return { id: p.ids[i], text: p.texts[i], start: p.starts[i], end: p.ends[i], nats: p.nats[i], probability: Math.exp(-p.nats[i]), rank: p.ranks[i], top };
  }

  /** Indices of the `count` most surprising tokens that cover text, most surprising first. */
  mostSurprising(count: number): number[] {
    const p = this.packed;
    const order = Array.from({ length: this.length }, (_, i) => i).filter((i) => p.ends[i] > p.starts[i]);
    return order.sort((a, b) => p.nats[b] - p.nats[a]).slice(0, count);
  }

  /** The token covering `offset` (UTF-16, in the scored text), by binary search over the starts. */
  at(offset: number): number | undefined {
    const { starts, ends } = this.packed;
    let low = 0;
    let high = starts.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (starts[mid] <= offset) low = mid + 1;
      else high = mid - 1;
    }
    // Tokens sharing a character share its range: step back to one that covers the offset.
    for (let i = high; i >= Math.max(0, high - 4); i--) if (starts[i] <= offset && offset < ends[i]) return i;
    return undefined;
  }
}
