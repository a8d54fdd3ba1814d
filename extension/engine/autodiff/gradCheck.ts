// Checks symbolic gradients against central finite differences, the independent reference:
//   ∂L/∂xᵢ ≈ (L(x + h·eᵢ) − L(x − h·eᵢ)) / 2h,   error O(h²)
// in float64, where ONNX Runtime has the kernels, so h can be small (1e-6) and the comparison tight.
// A non-scalar function f is checked through L = Σ f(x) ⊙ R with a fixed random R, which makes
// every output element matter with a different weight.

// Required on first use, not when the extension host loads this module (engine/runtime/ort.ts).
import { loadOrt } from '../runtime/ort';
import { attr } from '../onnx/attributes';
import { GraphBuilder } from '../onnx/builder';
import { addGradients } from './gradients';
import { inferShapes } from './shapes';
import { Mulberry32 } from '../generate/random';

export interface CheckedInput {
  readonly name: string;
  readonly dims: readonly number[];
  /** float64 values are differentiated; int64 values (indices, labels) are fixed inputs. */
  readonly data: Float64Array | BigInt64Array;
}

export interface GradCheckResult {
  /** Largest |symbolic − numeric| / (atol + rtol·|numeric|) over all checked elements; ≤ 1 passes. */
  readonly worst: number;
  readonly worstAt: string;
  readonly checked: number;
}

export interface GradCheckOptions {
  readonly step?: number;
  readonly atol?: number;
  readonly rtol?: number;
  /** Check at most this many elements per input (evenly spaced), to bound the cost. */
  readonly maxPerInput?: number;
  /**
   * Evaluate the loss in a new session each time, for graphs that draw random numbers from a seed
   * (Dropout): each session's first run replays the same draws, which later runs would not.
   */
  readonly freshSessions?: boolean;
}

type Build = (g: GraphBuilder, inputs: readonly string[]) => string;

function makeGraph(build: Build, inputs: readonly CheckedInput[], withGradients: boolean): { bytes: Uint8Array; grads: string[] } {
  const g = new GraphBuilder({ name: 'gradcheck' });
  const names = inputs.map((i) => g.input(i.name, i.data instanceof Float64Array ? 'float64' : 'int64', i.dims));
  const out = build(g, names);
  const outDims = inferShapes(g).info(out).dims;
  const random = new Mulberry32(99);
  const weights = Float64Array.from({ length: outDims.reduce((a, b) => a * b, 1) }, () => random.next() * 2 - 1);
  const weighted = g.op('Mul', [out, g.constant(weights, outDims, 'projection')]);
  const loss = outDims.length ? g.op('ReduceSum', [weighted], { keepdims: attr.int(0) }) : weighted;
  g.output(loss, { name: 'loss', dtype: 'float64', dims: [] });
  const grads: string[] = [];
  if (withGradients) {
    const wrt = inputs.filter((i) => i.data instanceof Float64Array).map((i) => i.name);
    const dMap = addGradients(g, loss, wrt);
    for (const name of wrt) grads.push(g.output(dMap.get(name) as string, { name: `grad_${name}`, dtype: 'float64' }));
  }
  return { bytes: g.toBytes(), grads };
}

export async function checkGradients(build: Build, inputs: readonly CheckedInput[], options: GradCheckOptions = {}): Promise<GradCheckResult> {
  const { step = 1e-6, atol = 1e-6, rtol = 1e-5, maxPerInput = 64, freshSessions = false } = options;
  // Basic optimizations only: the extended ones fuse op patterns into kernels that exist for float32
  // alone (x·σ(x), SiLU, becomes com.microsoft.QuickGelu), which a float64 graph cannot run.
  const session = (bytes: Uint8Array) => loadOrt().InferenceSession.create(bytes, { graphOptimizationLevel: 'basic' });
  const forwardBytes = makeGraph(build, inputs, false).bytes;
  const reused = freshSessions ? undefined : await session(forwardBytes);
  const gradient = await session(makeGraph(build, inputs, true).bytes);
  const feeds = (values: readonly CheckedInput[]) =>
    Object.fromEntries(values.map((v) => [v.name, new (loadOrt().Tensor)(v.data instanceof Float64Array ? 'float64' : 'int64', v.data, [...v.dims])]));
  const symbolic = await gradient.run(feeds(inputs));
  const lossAt = async (values: CheckedInput[]) => {
    const forward = reused ?? (await session(forwardBytes));
    return ((await forward.run(feeds(values))).loss.data as Float64Array)[0];
  };

  let worst = 0;
  let worstAt = '';
  let checked = 0;
  for (const input of inputs) {
    if (!(input.data instanceof Float64Array)) continue;
    const analytic = symbolic[`grad_${input.name}`].data as Float64Array;
    const stride = Math.max(1, Math.floor(input.data.length / maxPerInput));
    for (let i = 0; i < input.data.length; i += stride) {
      const shifted = (delta: number) => inputs.map((v) => {
        if (v !== input) return v;
        const data = Float64Array.from(v.data as Float64Array);
        data[i] += delta;
        return { ...v, data };
      });
      const numeric = ((await lossAt(shifted(step))) - (await lossAt(shifted(-step)))) / (2 * step);
      const error = Math.abs(analytic[i] - numeric) / (atol + rtol * Math.abs(numeric));
      if (error > worst || Number.isNaN(error)) {
        worst = Number.isNaN(error) ? Infinity : error;
        worstAt = `${input.name}[${i}]: symbolic ${analytic[i]}, numeric ${numeric}`;
      }
      checked++;
    }
  }
  return { worst, worstAt, checked };
}
