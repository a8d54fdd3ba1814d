// Gradient of the (batched) matrix product, the op that carries almost all of a transformer's
// FLOPs: forward is one MatMul, backward is two more of the same size (hence "6·N FLOPs per token":
// 2N forward + 4N backward).
//
//   Y = A · B          A: [..., M, K]   B: [..., K, N]   Y: [..., M, N]
//   dA = dY · Bᵀ       [..., M, N] · [..., N, K] → [..., M, K]
//   dB = Aᵀ · dY       [..., K, M] · [..., M, N] → [..., K, N]
// Batch dims broadcast like elementwise ops, so each gradient is summed back to its input's shape.
// When B is a plain weight matrix [K, N] shared by every row of A, that sum over the batch is a
// single matrix product over all rows:  dB = A₂ᵀ · dY₂ with A₂ = A as [rows, K], dY₂ = dY as [rows, N].
//
// ONNX Runtime fuses a Transpose feeding a MatMul into one FusedMatMul (transA/transB), so the
// transposes here cost no copy.

import { attr } from '../../onnx/attributes';
import type { GradContext, GradientRule } from '../context';

/** Swaps the last two axes: [..., M, K] → [..., K, M]. */
function transposeLastTwo(ctx: GradContext, value: string, rank: number): string {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return ctx.op('Transpose', [value], { perm: attr.ints(perm) });
}

const matmul: GradientRule = (node, [dY], ctx) => {
  if (!dY) return [];
  const [a, b] = node.inputs;
  const aDims = ctx.dims(a);
  const bDims = ctx.dims(b);
  const yDims = ctx.dims(node.outputs[0]);
  if (aDims.length < 2 || bDims.length < 2) throw new Error(`MatMul ${node.name}: the gradient rule needs inputs of rank ≥ 2 (got [${aDims}] and [${bDims}])`);

  let dA: string | undefined;
  if (ctx.needs(node, 0)) {
    dA = ctx.sumToShape(ctx.op('MatMul', [dY, transposeLastTwo(ctx, b, bDims.length)]), [...yDims.slice(0, -2), aDims.at(-2)!, aDims.at(-1)!], aDims);
  }

  let dB: string | undefined;
  if (ctx.needs(node, 1)) {
    if (bDims.length === 2 && aDims.length > 2) {
      const [K, N] = bDims;
      const a2 = ctx.reshape(a, [-1, K]); //   [rows, K]
      const dY2 = ctx.reshape(dY, [-1, N]); // [rows, N]
      dB = ctx.op('MatMul', [transposeLastTwo(ctx, a2, 2), dY2]); // [K, N]
    } else {
      dB = ctx.sumToShape(ctx.op('MatMul', [transposeLastTwo(ctx, a, aDims.length), dY]), [...yDims.slice(0, -2), bDims.at(-2)!, bDims.at(-1)!], bDims);
    }
  }
  return [dA, dB];
};

export const MATMUL_RULES: Record<string, GradientRule> = { MatMul: matmul };
