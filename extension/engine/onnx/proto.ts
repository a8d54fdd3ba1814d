// The ONNX protobuf schema (onnx.proto of ONNX 1.20) as @bufbuild/protobuf v2 descriptors, from the
// npm package onnx-buf. Everything else in the engine reaches the schema through this file.
// onnx-buf ships ES modules only; esbuild bundles it, and Node 20.19+ loads it through require()
// where the engine runs unbundled (tests, tsx). The descriptors are plain data.
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import * as onnx from 'onnx-buf';

export type {
  AttributeProto,
  GraphProto,
  ModelProto,
  NodeProto,
  TensorProto,
  ValueInfoProto,
} from 'onnx-buf';

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

export type DataType = onnx.TensorProto_DataType;
export type AttributeType = onnx.AttributeProto_AttributeType;

export { create, fromBinary, toBinary };
