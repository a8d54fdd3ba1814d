// The engine's one seeded pseudo-random number generator, so that a fixed seed gives the same
// generation, weight initialization and data order on every run and every machine (Math.random()
// cannot be seeded). Its whole state is one 32-bit integer, so decoding sessions and training
// checkpoints save it and continue the exact same sequence after a resume.
//
// mulberry32 (Tommy Ettinger, 2017): the 32-bit state steps by a Weyl constant (state += 0x6D2B79F5)
// and each output scrambles it with multiply-xorshift rounds. Period 2^32, a few lines, statistically
// sound for sampling tokens. Not for cryptography.

export class Mulberry32 {
  private current: number;

  constructor(seed: number) {
    this.current = seed >>> 0;
  }

  /** The state after the draws so far: `new Mulberry32(rng.state)` continues the same sequence. */
  get state(): number {
    return this.current;
  }

  /** The next 32-bit output as an unsigned integer. */
  nextUint32(): number {
    this.current = (this.current + 0x6d2b79f5) >>> 0;
    let z = this.current;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return (z ^ (z >>> 14)) >>> 0;
  }

  /** A number uniform in [0, 1): the 32-bit output divided by 2^32. */
  next(): number {
    return this.nextUint32() / 4294967296;
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
export function shuffledIndices(n: number, random: Mulberry32): Uint32Array {
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
