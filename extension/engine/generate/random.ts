// A seeded pseudo-random number generator, so that a fixed seed gives the same generation on every
// run and every machine (Math.random() cannot be seeded).
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
}
