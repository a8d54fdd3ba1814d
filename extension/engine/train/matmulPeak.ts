// The yardstick for model FLOPs utilisation (MFU, Chowdhery et al. 2022, PaLM §B): how many
// float32 FLOP/s ONNX Runtime's MatMul reaches on this machine, with the threads training uses.
// A training step is almost all MatMul, so MFU = tokens/s × FLOPs per token ÷ this peak says how
// much of the machine the run uses; the rest goes to small operators, memory traffic and overhead.

import { GraphBuilder } from '../onnx';
import { loadOrt, openSession } from '../runtime/ort';

/** n×n by n×n costs 2n³ FLOPs; 384 is about as large as a small model's matrices and takes ~1 ms. */
const SIZE = 384;
const REPEATS = 15;

export async function measureMatMulFlops(threads?: number): Promise<number> {
  const g = new GraphBuilder({ name: 'matmul_peak' });
  const a = g.input('a', 'float32', [SIZE, SIZE]);
  const b = g.input('b', 'float32', [SIZE, SIZE]);
  g.output(g.op('MatMul', [a, b]), { name: 'c', dtype: 'float32', dims: [SIZE, SIZE] });
  const session = await openSession(g.toBytes(), 'MatMul peak graph', { threads });
  try {
    const { Tensor } = loadOrt();
    const values = Float32Array.from({ length: SIZE * SIZE }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
    const feeds = { a: new Tensor('float32', values, [SIZE, SIZE]), b: new Tensor('float32', values, [SIZE, SIZE]) };
    await session.run(feeds);
    const times: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const began = performance.now();
      await session.run(feeds);
      times.push(performance.now() - began);
    }
    times.sort((x, y) => x - y);
    // The fastest quarter: the machine's capability, not its momentary load.
    const best = times[Math.floor(REPEATS / 4)];
    return (2 * SIZE ** 3) / (best / 1000);
  } finally {
    await session.release();
  }
}
