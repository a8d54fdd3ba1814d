// Half-precision weights: every float32 initializer is stored as IEEE float16 (1 sign, 5 exponent,
// 10 mantissa bits: about 3 significant digits, largest value 65504) and a Cast node in front of the
// graph turns it back into float32 under its old name. Inputs, outputs and the arithmetic stay float32,
// so the file halves while the graph's interface (and transformers.js's dtype "fp16" loading) is
// unchanged; the error is the rounding of each weight to float16.

import { clone, create } from '@bufbuild/protobuf';
import { toAttributeProto } from '../onnx/attributes';
import { DataType, ModelProtoSchema, NodeProtoSchema, type GraphProto, type NodeProto } from '../onnx/proto';
import { OnnxModel } from '../onnx/reader';
import { fromTensorProto, toTensorProto } from '../onnx/tensorData';

const scratch = new Float32Array(1);
const bits = new Uint32Array(scratch.buffer);

/** The float16 bits nearest to a float32 (round to nearest even; overflow to ±Infinity). */
export function float32ToFloat16Bits(value: number): number {
  scratch[0] = value;
  const x = bits[0];
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  const mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0); // Inf or NaN
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal: the value is q · 2⁻²⁴ with q < 1024 (q = 1024 is the smallest normal's bit pattern).
    const r = Math.abs(scratch[0]) * 2 ** 24;
    let q = Math.round(r);
    if (r - Math.floor(r) === 0.5 && (q & 1) === 1) q--; // ties to even
    return sign | q;
  }
  let half = sign | (e << 10) | (mantissa >> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1))) half++; // carries into the exponent correctly
  return half;
}

/** The model with float32 initializers stored as float16 and cast back at the start of the graph. */
export function convertDecodeModelFp16(onnxBytes: Uint8Array, source = 'model.onnx'): Uint8Array {
  const proto = clone(ModelProtoSchema, OnnxModel.fromBytes(onnxBytes, source).proto);
  const graph = proto.graph as GraphProto;
  const casts: NodeProto[] = [];
  const converted = new Set<string>();
  graph.initializer = graph.initializer.map((tensor) => {
    const float = fromTensorProto(tensor);
    if (float.dtype !== 'float32') return tensor;
    const halves = Uint16Array.from(float.data as Float32Array, float32ToFloat16Bits);
    converted.add(tensor.name);
    casts.push(create(NodeProtoSchema, {
      name: `${tensor.name}.cast`, opType: 'Cast', input: [`${tensor.name}.fp16`], output: [tensor.name],
      attribute: [toAttributeProto('to', { kind: 'int', value: DataType.FLOAT })],
    }));
    return toTensorProto(`${tensor.name}.fp16`, { dtype: 'float16', dims: float.dims, data: halves });
  });
  if (converted.size === 0) throw new Error(`${source}: has no float32 weights to store as float16`);
  graph.input = graph.input.filter((v) => !converted.has(v.name));
  graph.node = [...casts, ...graph.node];
  return OnnxModel.fromProto(proto, source).toBytes();
}
