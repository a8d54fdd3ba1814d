// The ONNX toolkit of the engine: build graphs, read models, and add outputs to them.
export { attr, type Attribute, type Attributes, type UndecodedAttribute } from './attributes';
export { DEFAULT_OPSET, GraphBuilder, irVersionFor, type BuilderOptions, type Dim, type NodeOptions, type NodeSpec, type ValueInfo } from './builder';
export { OnnxModel, type GraphNode, type GraphValue, type InitializerSummary } from './reader';
export { summarizeGraph, type GraphSummary } from './summary';
export { exposeAttentionProbabilities, FUSED_ATTENTION_OPS, withExtraOutputs, type ExposedAttention } from './surgery';
export { bytesPerElement, dtypeFromOnnx, dtypeOfArray, elementCount, fromTensorProto, toTensorProto, type DType, type TensorData, type TypedArray } from './tensorData';
