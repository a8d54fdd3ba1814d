// The ONNX protobuf schema (onnx.proto of ONNX 1.20) as @bufbuild/protobuf v2 descriptors, from the
// npm package onnx-buf. Everything else in the engine reaches the schema through this file.
//
// onnx-buf ships ES modules only, while the engine compiles to CommonJS. Node 20.19+ and esbuild both
// load an ES module through require(), but TypeScript's "Node16" module mode refuses a static import,
// so the types come from a type-only import and the value from require(). The descriptors are plain
// data, so they work with the CommonJS build of @bufbuild/protobuf that the engine imports.
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import type * as OnnxSchema from 'onnx-buf' with { 'resolution-mode': 'import' };

const onnx: typeof OnnxSchema = require('onnx-buf');

export type {
  AttributeProto,
  GraphProto,
  ModelProto,
  NodeProto,
  TensorProto,
  ValueInfoProto,
} from 'onnx-buf' with { 'resolution-mode': 'import' };

export const {
  AttributeProtoSchema,
  AttributeProto_AttributeType: AttributeType,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  StringStringEntryProtoSchema,
  TensorProtoSchema,
  TensorProto_DataType: DataType,
  TensorProto_DataLocation: DataLocation,
  TensorShapeProtoSchema,
  TensorShapeProto_DimensionSchema,
  TypeProtoSchema,
  TypeProto_TensorSchema,
  ValueInfoProtoSchema,
} = onnx;

export type DataType = OnnxSchema.TensorProto_DataType;
export type AttributeType = OnnxSchema.AttributeProto_AttributeType;

export { create, fromBinary, toBinary };
