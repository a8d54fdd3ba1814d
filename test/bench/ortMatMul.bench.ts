// The machine's reference: how fast ONNX Runtime multiplies float32 matrices here, in a graph of
// one MatMul node. An n×n by n×n product is 2n³ floating-point operations.

import { GraphBuilder } from '../../extension/engine/onnx';
import { loadOrt, openSession } from '../../extension/engine/runtime/ort';
import { median, report, timeRepeats, type Bench } from './bench';

async function matMulGflops(n: number, threads?: number): Promise<number> {
  const g = new GraphBuilder({ name: 'matmul' });
  const a = g.input('a', 'float32', [n, n]);
  const b = g.input('b', 'float32', [n, n]);
  g.output(g.op('MatMul', [a, b]), { name: 'c', dtype: 'float32', dims: [n, n] });
  const session = await openSession(g.toBytes(), 'matmul graph', { threads });
  const { Tensor } = loadOrt();
  const random = () => Float32Array.from({ length: n * n }, () => Math.random() - 0.5);
  const feeds = { a: new Tensor('float32', random(), [n, n]), b: new Tensor('float32', random(), [n, n]) };
  const times = await timeRepeats(() => session.run(feeds), n >= 1024 ? 10 : 30, 3);
  await session.release();
  return (2 * n ** 3) / (median(times) / 1000) / 1e9;
}

export const bench: Bench = {
  name: 'ort-matmul',
  description: 'ONNX Runtime float32 MatMul, one-node graph (median of repeats)',
  async run() {
    for (const n of [512, 1024]) {
      report(`${n}x${n}x${n}, all threads`, await matMulGflops(n), 'GFLOP/s');
      report(`${n}x${n}x${n}, 1 thread`, await matMulGflops(n, 1), 'GFLOP/s');
    }
  },
};
