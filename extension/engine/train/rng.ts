// A small seeded random number generator whose whole state is one 32-bit integer, so a training
// run can save it in a checkpoint and continue the exact same sequence after a resume.
// Algorithm: mulberry32 (a 32-bit counter passed through an integer hash), good enough for
// shuffling, dropout-free sampling and weight initialization; not for cryptography.

export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The state to save; `SeededRandom.fromState(s)` continues from here. */
  getState(): number {
    return this.state;
  }

  static fromState(state: number): SeededRandom {
    return new SeededRandom(state);
  }

  /** Uniform in [0, 1), 32 bits of randomness. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  nextInt(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/** Mixes two integers into a seed, so that (seed, epoch) pairs give unrelated sequences. */
export function mixSeed(a: number, b: number): number {
  let h = (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A permutation of 0..n-1 drawn with Fisher-Yates from `random`. */
export function shuffledIndices(n: number, random: SeededRandom): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = random.nextInt(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}
