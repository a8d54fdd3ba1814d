// Weight-only int8 quantization of a decode graph: each float matrix that a MatMul multiplies by
// (directly, or through a Transpose as GPT-2's tied output layer does with wte) is stored as int8
// with one float scale per output channel, and a DequantizeLinear node in front of the graph turns
// it back into the float tensor of the same name. Every other node stays as it was, so inputs,
// outputs and the KV cache are unchanged, and the file shrinks by about 4x in those weights.
//
//   W (float32 [K, N])   becomes   W.quantized (int8 [K, N]) + W.scale (float32 [N])
//                                  W = DequantizeLinear(W.quantized, W.scale, axis=1)

import { clone, create } from '@bufbuild/protobuf';
import { toAttributeProto } from '../onnx/attributes';
import { ModelProtoSchema, NodeProtoSchema, type GraphProto, type NodeProto } from '../onnx/proto';
import { OnnxModel } from '../onnx/reader';
import { fromTensorProto, toTensorProto } from '../onnx/tensorData';
import { dequantizeInt8, quantizeInt8 } from './int8';

export interface QuantizedWeight {
  readonly name: string;
  readonly dims: readonly number[];
  /** The output-channel axis that has its own scales. */
  readonly axis: number;
  /** Largest |w − ŵ| over the tensor. */
  readonly maxAbsError: number;
}

export interface QuantizedModel {
  readonly bytes: Uint8Array;
  readonly weights: readonly QuantizedWeight[];
}

/** DequantizeLinear with a per-axis scale needs opset 13. */
const MIN_OPSET = 13;

/**
 * The channel axis of `name` when the weight reaches a MatMul as its right operand (B of A·B, whose
 * columns are the outputs), or undefined when it is used any other way and stays float.
 */
function matmulWeightAxis(graph: GraphProto, name: string): number | undefined {
  const consumers = (value: string): NodeProto[] => graph.node.filter((n) => n.input.includes(value));
  const direct = consumers(name);
  const axes = new Set<number>();
  for (const node of direct) {
    if (node.opType === 'MatMul' && node.input[1] === name && node.input[0] !== name) axes.add(1);
    else if (node.opType === 'Transpose' && isSwap(node) && consumers(node.output[0]).every((n) => n.opType === 'MatMul' && n.input[1] === node.output[0])) axes.add(0);
    else if (node.opType !== 'Gather') return undefined;
  }
  // One axis only: a matrix used both as B and as Bᵀ would need two sets of scales.
  return axes.size === 1 ? [...axes][0] : undefined;
}

function isSwap(node: NodeProto): boolean {
  const perm = node.attribute.find((a) => a.name === 'perm');
  return perm !== undefined && perm.ints.length === 2 && Number(perm.ints[0]) === 1 && Number(perm.ints[1]) === 0;
}

/** Quantizes the MatMul weights of an ONNX model's bytes; the result is another model's bytes. */
export function quantizeDecodeModelInt8(onnxBytes: Uint8Array, source = 'model.onnx'): QuantizedModel {
  const model = OnnxModel.fromBytes(onnxBytes, source);
  const opset = model.opsets().find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0;
  if (opset < MIN_OPSET) throw new Error(`${source}: opset ${opset} is older than ${MIN_OPSET}, which per-channel DequantizeLinear needs`);
  const proto = clone(ModelProtoSchema, model.proto);
  const graph = proto.graph as GraphProto;
  const names = new Set(graph.initializer.map((t) => t.name));

  const weights: QuantizedWeight[] = [];
  const dequantizers: NodeProto[] = [];
  graph.initializer = graph.initializer.flatMap((tensor) => {
    const float = fromTensorProto(tensor);
    const axis = float.dtype === 'float32' && float.dims.length === 2 ? matmulWeightAxis(graph, tensor.name) : undefined;
    if (axis === undefined) return [tensor];
    const quantized = quantizeInt8(float.data as Float32Array, float.dims, axis);
    const restored = dequantizeInt8(quantized);
    let maxAbsError = 0;
    for (let i = 0; i < restored.length; i++) maxAbsError = Math.max(maxAbsError, Math.abs(restored[i] - (float.data as Float32Array)[i]));
    weights.push({ name: tensor.name, dims: float.dims, axis, maxAbsError });

    const valuesName = `${tensor.name}.quantized`;
    const scaleName = `${tensor.name}.scale`;
    for (const added of [valuesName, scaleName]) if (names.has(added)) throw new Error(`${source}: the graph already has a value named ${added}`);
    dequantizers.push(create(NodeProtoSchema, {
      name: `${tensor.name}.dequantize`,
      opType: 'DequantizeLinear',
      input: [valuesName, scaleName],
      output: [tensor.name],
      attribute: [toAttributeProto('axis', { kind: 'int', value: axis })],
    }));
    return [
      toTensorProto(valuesName, { dtype: 'int8', dims: float.dims, data: quantized.values }),
      toTensorProto(scaleName, { dtype: 'float32', dims: [float.dims[axis]], data: quantized.scales }),
    ];
  });
  if (weights.length === 0) throw new Error(`${source}: no float matrix feeds a MatMul, so there is nothing to quantize`);
  // Older exporters list initializers among the graph inputs too; the float names are now node outputs.
  const replaced = new Set(weights.map((w) => w.name));
  graph.input = graph.input.filter((v) => !replaced.has(v.name));
  graph.node = [...dequantizers, ...graph.node];
  return { bytes: OnnxModel.fromProto(proto, source).toBytes(), weights };
}
