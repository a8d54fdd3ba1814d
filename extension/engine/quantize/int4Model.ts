// 4-bit weight-only quantization of a decode graph in ONNX Runtime's MatMulNBits form, as
// transformers.js's q4 models are: every MatMul that multiplies by a float matrix initializer
//   Y = MatMul(X, W)          W float32 [K, N]
// becomes
//   Y = com.microsoft.MatMulNBits(X, W.q4 uint8 [N, blocks, blockSize/2], W.q4_scales [N·blocks])
//       with K, N, bits = 4, block_size
// which dequantizes block by block inside the kernel (see int4.ts for the arithmetic). A matrix that
// reaches its MatMul any other way (GPT-2's tied output layer, W = Transpose(wte), shared with the
// embedding's Gather) is left to the int8 pass, which stores it per row.

import { clone, create } from '@bufbuild/protobuf';
import { toAttributeProto } from '../onnx/attributes';
import { ModelProtoSchema, NodeProtoSchema, OperatorSetIdProtoSchema, type GraphProto } from '../onnx/proto';
import { OnnxModel } from '../onnx/reader';
import { fromTensorProto, toTensorProto } from '../onnx/tensorData';
import { quantizeInt4, type Int4Matrix } from './int4';

export interface Int4Weight {
  readonly name: string;
  readonly float: Float32Array;
  readonly matrix: Int4Matrix;
}

export interface Int4Model {
  readonly bytes: Uint8Array;
  readonly weights: readonly Int4Weight[];
}

const CONTRIB_DOMAIN = 'com.microsoft';

/** Rewrites the float MatMul weights of an ONNX model as MatMulNBits; throws naming a matrix it cannot take. */
export function quantizeDecodeModelInt4(onnxBytes: Uint8Array, blockSize: number, source = 'model.onnx'): Int4Model {
  const proto = clone(ModelProtoSchema, OnnxModel.fromBytes(onnxBytes, source).proto);
  const graph = proto.graph as GraphProto;
  const initializers = new Map(graph.initializer.map((t) => [t.name, t]));
  const uses = new Map<string, number>();
  for (const node of graph.node) for (const input of node.input) uses.set(input, (uses.get(input) ?? 0) + 1);

  for (const node of graph.node) {
    if (node.opType === 'Gemm' && initializers.has(node.input[1])) {
      throw new Error(`${source}: node ${node.name || node.output[0]} (Gemm) multiplies by ${node.input[1]}; int4 quantization converts MatMul weights only`);
    }
  }
  const weights: Int4Weight[] = [];
  const quantizedNames = new Set<string>();
  graph.node = graph.node.map((node) => {
    const name = node.input[1];
    const tensor = node.opType === 'MatMul' && node.domain === '' ? initializers.get(name) : undefined;
    if (!tensor) return node;
    const float = fromTensorProto(tensor);
    if (float.dtype !== 'float32' || float.dims.length !== 2) {
      throw new Error(`${source}: ${name} is a ${float.dtype} [${float.dims.join(', ')}] weight of a MatMul; int4 quantization takes float32 matrices [K, N]`);
    }
    let weight = weights.find((w) => w.name === name);
    if (!weight) {
      weight = { name, float: float.data as Float32Array, matrix: quantizeInt4(float.data as Float32Array, float.dims, blockSize) };
      weights.push(weight);
    }
    const [K, N] = float.dims;
    quantizedNames.add(name);
    return create(NodeProtoSchema, {
      name: `${node.name || name}.q4`,
      opType: 'MatMulNBits',
      domain: CONTRIB_DOMAIN,
      input: [node.input[0], `${name}.q4`, `${name}.q4_scales`],
      output: node.output,
      attribute: [
        toAttributeProto('K', { kind: 'int', value: K }),
        toAttributeProto('N', { kind: 'int', value: N }),
        toAttributeProto('bits', { kind: 'int', value: 4 }),
        toAttributeProto('block_size', { kind: 'int', value: blockSize }),
      ],
    });
  });
  if (weights.length === 0) throw new Error(`${source}: no MatMul multiplies by a float matrix initializer, so there is nothing to quantize to int4`);

  // A float matrix used only by the converted MatMuls is dropped; one also used elsewhere stays.
  const stillUsed = (name: string) => graph.node.some((n) => n.input.includes(name));
  graph.initializer = graph.initializer.filter((t) => !quantizedNames.has(t.name) || stillUsed(t.name));
  graph.input = graph.input.filter((v) => !quantizedNames.has(v.name) || stillUsed(v.name));
  for (const { name, matrix } of weights) {
    const [, N] = matrix.dims;
    graph.initializer.push(
      toTensorProto(`${name}.q4`, { dtype: 'uint8', dims: [N, matrix.blocks, matrix.blockSize / 2], data: matrix.packed }),
      toTensorProto(`${name}.q4_scales`, { dtype: 'float32', dims: [N * matrix.blocks], data: matrix.scales }),
    );
  }
  if (!proto.opsetImport.some((o) => o.domain === CONTRIB_DOMAIN)) proto.opsetImport.push(create(OperatorSetIdProtoSchema, { domain: CONTRIB_DOMAIN, version: 1n }));
  return { bytes: OnnxModel.fromProto(proto, source).toBytes(), weights };
}
