// A float64 copy of a float32 graph: the same nodes, with float32 inputs, initializers, constants
// and casts widened to float64. Gradient checks run the copy, where finite differences are
// accurate to ~1e-10 instead of ~1e-3, so they can tell a wrong rule from rounding noise.

import { attr, type GraphBuilder, type Attributes } from '../onnx';
import type { TensorData } from '../onnx/tensorData';

const FLOAT = 1;
const DOUBLE = 11;

function widenTensor(t: TensorData): TensorData {
  return t.dtype === 'float32' ? { dtype: 'float64', dims: t.dims, data: Float64Array.from(t.data as Float32Array) } : t;
}

function widenAttributes(attributes: Attributes): Attributes {
  const out: Record<string, Attributes[string]> = {};
  for (const [name, a] of Object.entries(attributes)) {
    if (a.kind === 'tensor') out[name] = attr.tensor(widenTensor(a.value));
    else if (name === 'to' && a.kind === 'int' && a.value === FLOAT) out[name] = attr.int(DOUBLE);
    else out[name] = a;
  }
  return out;
}

/**
 * Copies `source` (inputs, initializers and nodes, not outputs) into `target` with float32 widened
 * to float64. Inputs that `target` already declares are kept as they are.
 */
export function copyAsFloat64(source: GraphBuilder, target: GraphBuilder): void {
  for (const v of source.inputs) if (!target.has(v.name)) target.input(v.name, v.dtype === 'float32' ? 'float64' : v.dtype, v.dims ?? []);
  for (const [name, t] of source.initializers) {
    const w = widenTensor(t);
    target.initializer(name, w.data, w.dims, w.dtype);
  }
  source.nodes.forEach((n, i) => {
    target.node(n.opType, n.inputs, widenAttributes(n.attributes), { name: `${n.opType}#${i}`, outputs: n.outputs, domain: n.domain });
  });
}
