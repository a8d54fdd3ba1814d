// Each gradient rule against central finite differences, in float64; and the checker itself
// against deliberately wrong rules, which it must reject.
import * as assert from 'node:assert/strict';
import type { GradientRule } from '../../extension/engine/autodiff/context';
import { checkGradients, type CheckedInput } from '../../extension/engine/autodiff/gradCheck';
import { GRADIENT_RULES } from '../../extension/engine/autodiff/rules/index';
import { attr } from '../../extension/engine/onnx/attributes';
import type { GraphBuilder } from '../../extension/engine/onnx/builder';
import { Mulberry32 } from '../../extension/engine/generate/random';

const random = new Mulberry32(2024);
function floats(name: string, dims: number[], scale = 1, offset = 0): CheckedInput {
  const n = dims.reduce((a, b) => a * b, 1);
  return { name, dims, data: Float64Array.from({ length: n }, () => offset + scale * (random.next() * 2 - 1)) };
}
function ints(name: string, dims: number[], values: number[]): CheckedInput {
  return { name, dims, data: BigInt64Array.from(values.map(BigInt)) };
}
async function expectGradientsMatch(build: (g: GraphBuilder, x: readonly string[]) => string, inputs: CheckedInput[]): Promise<void> {
  const result = await checkGradients(build, inputs);
  assert.ok(result.checked > 0);
  assert.ok(result.worst <= 1, `worst relative error ${result.worst} at ${result.worstAt}`);
}
const i64 = (g: GraphBuilder, values: number[]) => g.constant(BigInt64Array.from(values.map(BigInt)), [values.length], 'ints');

describe('gradient rules match finite differences (float64)', () => {
  it('Add, Sub, Mul, Div with broadcasting', () =>
    expectGradientsMatch((g, [a, b, c]) => {
      const s = g.op('Add', [a, b]); //               [2,3,4] + [4]
      const d = g.op('Sub', [s, c]); //               − [3,1]
      const m = g.op('Mul', [d, b]);
      return g.op('Div', [m, g.op('Add', [c, g.constant(new Float64Array([3]), [], 'three')])]);
    }, [floats('a', [2, 3, 4]), floats('b', [4]), floats('c', [3, 1])]));

  it('Pow, Sqrt, Exp, Log, Tanh, Neg, Reciprocal, Sigmoid, Relu, Identity, Sum', () =>
    expectGradientsMatch((g, [x, y]) => {
      const pos = g.op('Add', [g.op('Mul', [x, x]), g.constant(new Float64Array([1]), [], 'one')]);
      const p = g.op('Pow', [pos, g.constant(new Float64Array([1.5]), [], 'p')]);
      const parts = [g.op('Sqrt', [pos]), g.op('Exp', [y]), g.op('Log', [pos]), g.op('Tanh', [x]), g.op('Neg', [y]), g.op('Reciprocal', [pos]),
        g.op('Sigmoid', [x]), g.op('Relu', [g.op('Identity', [y])]), p];
      return g.op('Sum', parts);
    }, [floats('x', [3, 5]), floats('y', [3, 5])]));

  it('MatMul: weight matrix, batched, and broadcast batch', () =>
    expectGradientsMatch((g, [a, w, q, k]) => {
      const y = g.op('MatMul', [a, w]); //                   [2,3,4]·[4,5]
      const s = g.op('MatMul', [q, k]); //                   [2,2,3,4]·[2,1,4,3] broadcast batch
      return g.op('Add', [g.op('ReduceSum', [y], { keepdims: attr.int(0) }), g.op('ReduceSum', [s], { keepdims: attr.int(0) })]);
    }, [floats('a', [2, 3, 4]), floats('w', [4, 5]), floats('q', [2, 2, 3, 4]), floats('k', [2, 1, 4, 3])]));

  it('Transpose, Reshape, Unsqueeze, Squeeze, Concat, Split, Slice, Expand', () =>
    expectGradientsMatch((g, [x, y]) => {
      const t = g.op('Transpose', [x], { perm: attr.ints([0, 2, 1]) }); //             [2,4,3]
      const r = g.op('Reshape', [t, i64(g, [2, 2, -1])]); //                           [2,2,6]
      const u = g.op('Squeeze', [g.op('Unsqueeze', [r, i64(g, [1])]), i64(g, [1])]);
      const c = g.op('Concat', [u, y], { axis: attr.int(1) }); //                      [2,3,6]
      const [p, q] = g.node('Split', [c, i64(g, [4, 2])], { axis: attr.int(2) }, { outputs: 2 });
      const s = g.op('Slice', [p, i64(g, [1]), i64(g, [3]), i64(g, [2])]); //          [2,3,2]
      const e = g.op('Expand', [y, i64(g, [3, 2, 1, 6])]);
      const m = g.op('ReduceMean', [e, i64(g, [0])], { keepdims: attr.int(0) }); //     [2,1,6]
      return g.op('Add', [g.op('Mul', [s, q]), g.op('ReduceSum', [m, i64(g, [2])], { keepdims: attr.int(1) })]);
    }, [floats('x', [2, 3, 4]), floats('y', [2, 1, 6])]));

  it('Gather (embedding lookup with repeated rows)', () =>
    expectGradientsMatch((g, [table, ids]) => g.op('Gather', [table, ids]),
      [floats('table', [5, 3]), ints('ids', [2, 3], [0, 4, 4, 2, 0, 4])]));

  it('Dropout in training mode (the mask its forward pass drew, scaled by 1 / (1 − p)) and in inference mode (identity)', async () => {
    const ratio = (g: GraphBuilder) => g.constant(Float32Array.of(0.3), [], 'ratio');
    const mode = (g: GraphBuilder, on: boolean) => g.constant(Uint8Array.of(on ? 1 : 0), [], 'training_mode', 'bool');
    for (const training of [true, false]) {
      const result = await checkGradients(
        (g, [x]) => g.node('Dropout', [x, ratio(g), mode(g, training)], { seed: attr.int(7) }, { outputs: 2 })[0],
        [floats('x', [4, 16])],
        { freshSessions: true },
      );
      assert.ok(result.checked > 0);
      assert.ok(result.worst <= 1, `training ${training}: worst relative error ${result.worst} at ${result.worstAt}`);
    }
  });

  it('LayerNormalization', () =>
    expectGradientsMatch((g, [x, gamma, beta]) =>
      g.op('LayerNormalization', [x, gamma, beta], { axis: attr.int(-1), epsilon: attr.float(1e-5) }),
    [floats('x', [2, 3, 6], 2, 0.5), floats('gamma', [6], 0.5, 1), floats('beta', [6])]));

  it('Softmax with a causal mask (Where) and LogSoftmax', () =>
    expectGradientsMatch((g, [scores]) => {
      const T = 4;
      const mask = g.constant(Uint8Array.from({ length: T * T }, (_, i) => (i % T <= Math.floor(i / T) ? 1 : 0)), [T, T], 'causal', 'bool');
      const masked = g.op('Where', [mask, scores, g.constant(new Float64Array([-1e9]), [], 'minus_inf')]);
      const p = g.op('Softmax', [masked], { axis: attr.int(-1) });
      return g.op('Add', [p, g.op('LogSoftmax', [scores], { axis: attr.int(-1) })]);
    }, [floats('scores', [2, 4, 4], 2)]));

  it('Gelu (tanh approximation)', () =>
    expectGradientsMatch((g, [x]) => g.op('Gelu', [x], { approximate: attr.string('tanh') }), [floats('x', [4, 8], 3)]));

  it('SoftmaxCrossEntropyLoss: mean over tokens with ignore_index, and sum', () =>
    expectGradientsMatch((g, [logits, labels]) => {
      const mean = g.node('SoftmaxCrossEntropyLoss', [logits, labels], { reduction: attr.string('mean'), ignore_index: attr.int(-100) }, { outputs: 2 })[0];
      const sum = g.op('SoftmaxCrossEntropyLoss', [logits, labels], { reduction: attr.string('sum') , ignore_index: attr.int(-100) });
      return g.op('Add', [mean, g.op('Mul', [sum, g.constant(new Float64Array([0.1]), [], 'w')])]);
    }, [floats('logits', [5, 7], 2), ints('labels', [5], [3, -100, 6, 0, 3])]));

  it('fan-out: a value used twice gets the sum of both gradients', () =>
    expectGradientsMatch((g, [w, x]) => {
      const h = g.op('MatMul', [x, w]); //                         [3,4]·[4,4]
      return g.op('MatMul', [h, g.op('Transpose', [w], { perm: attr.ints([1, 0]) })]);
    }, [floats('w', [4, 4]), floats('x', [3, 4])]));

  it('Tile (grouped-query attention repeats each key/value head for its group)', () =>
    expectGradientsMatch((g, [kv]) => {
      const grouped = g.op('Unsqueeze', [kv, i64(g, [2])]); //              [1,2,1,3,4]
      const tiled = g.op('Tile', [grouped, i64(g, [1, 1, 3, 1, 1])]); //     [1,2,3,3,4]
      const heads = g.op('Reshape', [tiled, i64(g, [0, 6, -1, 4])]); //      [1,6,3,4]
      return g.op('Tile', [heads, i64(g, [2, 1, 1, 2])]); //                 [2,6,3,8] every axis repeated
    }, [floats('kv', [1, 2, 3, 4])]));

  // The Llama forward pass (llama/forwardGraph.ts, rope.ts) as the same op sequences, in float64.
  describe("Llama's pieces, composed from the rules", () => {
    const f64 = (g: GraphBuilder, v: number, name: string) => g.constant(new Float64Array([v]), [], name);

    it('RMSNorm: x / √(mean(x²) + ε) · gain', () =>
      expectGradientsMatch((g, [x, gain]) => {
        const meanSquare = g.op('ReduceMean', [g.op('Mul', [x, x]), i64(g, [-1])], { keepdims: attr.int(1) });
        const rms = g.op('Sqrt', [g.op('Add', [meanSquare, f64(g, 1e-5, 'eps')])]);
        return g.op('Mul', [g.op('Div', [x, rms]), gain]);
      }, [floats('x', [2, 3, 6], 2, 0.3), floats('gain', [6], 0.5, 1)]));

    it('SwiGLU: silu(x·Wg) ⊙ (x·Wu), silu(z) = z·σ(z)', () =>
      expectGradientsMatch((g, [x, wg, wu]) => {
        const gate = g.op('MatMul', [x, wg]);
        const silu = g.op('Mul', [gate, g.op('Sigmoid', [gate])]);
        return g.op('Mul', [silu, g.op('MatMul', [x, wu])]);
      }, [floats('x', [2, 3, 4]), floats('wg', [4, 5], 2), floats('wu', [4, 5])]));

    it('rotary embedding: x·cos + rotate_half(x)·sin, rotate_half([x1, x2]) = [−x2, x1]', () =>
      expectGradientsMatch((g, [x]) => {
        // The angle tables are constants of the positions, as in the model: [T, D] = [5, 8].
        const angles = Array.from({ length: 5 * 8 }, (_, i) => Math.floor(i / 8) * 0.7 ** (i % 4));
        const table = (f: (a: number) => number, name: string) => g.constant(Float64Array.from(angles, f), [5, 8], name);
        const [x1, x2] = g.node('Split', [x, i64(g, [4, 4])], { axis: attr.int(-1) }, { outputs: 2 });
        const rotated = g.op('Concat', [g.op('Neg', [x2]), x1], { axis: attr.int(-1) });
        return g.op('Add', [g.op('Mul', [x, table(Math.cos, 'cos')]), g.op('Mul', [rotated, table(Math.sin, 'sin')])]);
      }, [floats('x', [2, 3, 5, 8])]));
  });

  describe('the checker rejects a wrong rule (negative controls)', () => {
    /** Runs the check with `rule` in place of the real rule for `opType`, then puts the real one back. */
    async function checkWithRule(opType: string, rule: GradientRule, build: Parameters<typeof checkGradients>[0], inputs: CheckedInput[]) {
      const rules = GRADIENT_RULES as Record<string, GradientRule>;
      const real = rules[opType];
      rules[opType] = rule;
      try {
        return await checkGradients(build, inputs);
      } finally {
        rules[opType] = real;
      }
    }
    const gelu = (g: GraphBuilder, [x]: readonly string[]) => g.op('Gelu', [x], { approximate: attr.string('tanh') });

    it('GELU without the x·(1 − tanh² u)·du/dx term of its derivative', async () => {
      // dy/dx ≈ ½ (1 + tanh u): the term a hand derivation most easily drops.
      const halfOnly: GradientRule = (node, [dY], ctx) => {
        if (!dY) return [];
        const x = node.inputs[0];
        const c = (v: number) => ctx.scalar(v, ctx.info(x).dtype);
        const u = ctx.op('Mul', [ctx.op('Add', [x, ctx.op('Mul', [ctx.op('Mul', [ctx.op('Mul', [x, x]), x]), c(0.044715)])]), c(Math.sqrt(2 / Math.PI))]);
        return [ctx.op('Mul', [dY, ctx.op('Mul', [ctx.op('Add', [ctx.op('Tanh', [u]), c(1)]), c(0.5)])])];
      };
      const result = await checkWithRule('Gelu', halfOnly, gelu, [floats('x', [4, 8], 3)]);
      assert.ok(result.worst > 1, `a wrong GELU rule passed: worst ${result.worst}`);
    });

    it('Tile routing back only the first copy instead of the sum over copies', async () => {
      const firstCopy: GradientRule = (node, [dY], ctx) => {
        const dims = ctx.dims(node.inputs[0]);
        return [dY && ctx.op('Slice', [dY, ctx.ints(dims.map(() => 0)), ctx.ints(dims)])];
      };
      const tile = (g: GraphBuilder, [x]: readonly string[]) => g.op('Tile', [x, i64(g, [1, 3])]);
      const result = await checkWithRule('Tile', firstCopy, tile, [floats('x', [2, 4])]);
      assert.ok(result.worst > 1, `a Tile rule without the sum passed: worst ${result.worst}`);
    });

    it('a rule off by a tiny factor (1 + 1e-3), and one with the wrong sign', async () => {
      const real = GRADIENT_RULES.Tanh;
      const scaled = (factor: number): GradientRule => (node, grads, ctx) =>
        real(node, grads, ctx).map((d) => (d ? ctx.op('Mul', [d, ctx.scalar(factor, ctx.info(node.inputs[0]).dtype)]) : d));
      const tanh = (g: GraphBuilder, [x]: readonly string[]) => g.op('Tanh', [x]);
      for (const factor of [1 + 1e-3, -1]) {
        const result = await checkWithRule('Tanh', scaled(factor), tanh, [floats('x', [3, 5])]);
        assert.ok(result.worst > 1, `Tanh's rule × ${factor} passed: worst ${result.worst}`);
      }
      assert.ok((await checkGradients(tanh, [floats('x', [3, 5])])).worst <= 1, 'the real rule, put back, passes');
    });
  });
});
