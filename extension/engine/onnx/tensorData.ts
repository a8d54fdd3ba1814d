// Element types and dense tensors as TypeScript typed arrays, and their conversion to and from ONNX
// TensorProto. Names follow onnxruntime's tensor types ('float32', 'int64', ...), so a TensorData
// goes straight into `new ort.Tensor(dtype, data, dims)`.
import { readSync, openSync, closeSync } from 'node:fs';
import { resolve } from 'node:path';
import { create, DataLocation, DataType, TensorProtoSchema, type TensorProto } from './proto';

export type DType =
  | 'float32' | 'float64' | 'float16' | 'bfloat16'
  | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64'
  | 'bool';

export type TypedArray =
  | Float32Array | Float64Array
  | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array;

/** A dense row-major tensor. float16/bfloat16 hold raw bits in a Uint16Array; bool holds 0/1 in a Uint8Array. */
export interface TensorData {
  readonly dtype: DType;
  readonly dims: readonly number[];
  readonly data: TypedArray;
}

interface DTypeInfo {
  readonly onnx: DataType;
  readonly bytes: number;
  readonly make: (buffer: ArrayBuffer, length: number) => TypedArray;
}

const DTYPES: Record<DType, DTypeInfo> = {
  float32: { onnx: DataType.FLOAT, bytes: 4, make: (b, n) => new Float32Array(b, 0, n) },
  float64: { onnx: DataType.DOUBLE, bytes: 8, make: (b, n) => new Float64Array(b, 0, n) },
  float16: { onnx: DataType.FLOAT16, bytes: 2, make: (b, n) => new Uint16Array(b, 0, n) },
  bfloat16: { onnx: DataType.BFLOAT16, bytes: 2, make: (b, n) => new Uint16Array(b, 0, n) },
  int8: { onnx: DataType.INT8, bytes: 1, make: (b, n) => new Int8Array(b, 0, n) },
  uint8: { onnx: DataType.UINT8, bytes: 1, make: (b, n) => new Uint8Array(b, 0, n) },
  int16: { onnx: DataType.INT16, bytes: 2, make: (b, n) => new Int16Array(b, 0, n) },
  uint16: { onnx: DataType.UINT16, bytes: 2, make: (b, n) => new Uint16Array(b, 0, n) },
  int32: { onnx: DataType.INT32, bytes: 4, make: (b, n) => new Int32Array(b, 0, n) },
  uint32: { onnx: DataType.UINT32, bytes: 4, make: (b, n) => new Uint32Array(b, 0, n) },
  int64: { onnx: DataType.INT64, bytes: 8, make: (b, n) => new BigInt64Array(b, 0, n) },
  uint64: { onnx: DataType.UINT64, bytes: 8, make: (b, n) => new BigUint64Array(b, 0, n) },
  bool: { onnx: DataType.BOOL, bytes: 1, make: (b, n) => new Uint8Array(b, 0, n) },
};

// ONNX raw_data is little-endian; typed arrays use the machine's order. Every platform the
// extension ships for (x64, arm64) is little-endian, so the bytes are copied as they are.
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('ONNX tensors need a little-endian machine');
}

export function onnxDataType(dtype: DType): DataType {
  return DTYPES[dtype].onnx;
}

export function bytesPerElement(dtype: DType): number {
  return DTYPES[dtype].bytes;
}

/** The DType for an ONNX element type, or undefined for types this engine does not handle (strings, float8, ...). */
export function dtypeFromOnnx(type: DataType): DType | undefined {
  return (Object.keys(DTYPES) as DType[]).find((d) => DTYPES[d].onnx === type);
}

/** The natural DType of a typed array (Uint16Array reads as uint16, Uint8Array as uint8). */
export function dtypeOfArray(data: TypedArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint32Array) return 'uint32';
  if (data instanceof BigInt64Array) return 'int64';
  return 'uint64';
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** A TensorProto holding `tensor` in raw_data. */
export function toTensorProto(name: string, tensor: TensorData): TensorProto {
  const expected = elementCount(tensor.dims);
  if (tensor.data.length !== expected) {
    throw new Error(`tensor ${name}: ${tensor.data.length} values for dims [${tensor.dims.join(', ')}] (${expected} expected)`);
  }
  if (bytesPerElement(tensor.dtype) !== tensor.data.BYTES_PER_ELEMENT) {
    throw new Error(`tensor ${name}: a ${tensor.data.constructor.name} cannot hold ${tensor.dtype}`);
  }
  return create(TensorProtoSchema, {
    name,
    dataType: onnxDataType(tensor.dtype),
    dims: tensor.dims.map((d) => BigInt(d)),
    rawData: new Uint8Array(tensor.data.buffer as ArrayBuffer, tensor.data.byteOffset, tensor.data.byteLength),
  });
}

/**
 * The values of a TensorProto as a typed array. Reads raw_data, the typed value fields
 * (float_data, int32_data, int64_data, ...) and external data, whose file is resolved against
 * `externalDataDir` (the folder of the .onnx file).
 */
export function fromTensorProto(proto: TensorProto, externalDataDir?: string): TensorData {
  const dtype = dtypeFromOnnx(proto.dataType);
  if (!dtype) throw new Error(`tensor ${proto.name}: element type ${DataType[proto.dataType] ?? proto.dataType} is not supported`);
  const dims = proto.dims.map((d) => Number(d));
  const count = elementCount(dims);
  const info = DTYPES[dtype];

  const fromBytes = (bytes: Uint8Array): TensorData => {
    if (bytes.byteLength !== count * info.bytes) {
      throw new Error(`tensor ${proto.name}: ${bytes.byteLength} bytes for dims [${dims.join(', ')}] of ${dtype} (${count * info.bytes} expected)`);
    }
    const aligned = new ArrayBuffer(bytes.byteLength);
    new Uint8Array(aligned).set(bytes);
    return { dtype, dims, data: info.make(aligned, count) };
  };

  if (proto.dataLocation === DataLocation.EXTERNAL) return fromBytes(readExternalData(proto, externalDataDir));
  if (proto.rawData.byteLength > 0 || count === 0) return fromBytes(proto.rawData);

  const data = typedFieldValues(proto, dtype);
  if (data.length !== count) {
    throw new Error(`tensor ${proto.name}: ${data.length} values for dims [${dims.join(', ')}] (${count} expected)`);
  }
  return { dtype, dims, data };
}

// Which repeated field holds which element type is fixed by onnx.proto (see TensorProto's comments).
function typedFieldValues(proto: TensorProto, dtype: DType): TypedArray {
  switch (dtype) {
    case 'float32': return Float32Array.from(proto.floatData);
    case 'float64': return Float64Array.from(proto.doubleData);
    case 'int64': return BigInt64Array.from(proto.int64Data);
    case 'uint64': return BigUint64Array.from(proto.uint64Data);
    case 'uint32': return Uint32Array.from(proto.uint64Data, (v) => Number(v));
    case 'int32': return Int32Array.from(proto.int32Data);
    case 'int16': return Int16Array.from(proto.int32Data);
    case 'int8': return Int8Array.from(proto.int32Data);
    case 'uint16': case 'float16': case 'bfloat16': return Uint16Array.from(proto.int32Data);
    case 'uint8': case 'bool': return Uint8Array.from(proto.int32Data);
  }
}

function readExternalData(proto: TensorProto, dir: string | undefined): Uint8Array {
  const entry = (key: string) => proto.externalData.find((e) => e.key === key)?.value;
  const location = entry('location');
  if (!location) throw new Error(`tensor ${proto.name}: external data without a location`);
  if (!dir) throw new Error(`tensor ${proto.name}: its data is in the external file ${location}; load the model from its path to read it`);
  const offset = Number(entry('offset') ?? 0);
  const count = elementCount(proto.dims.map(Number));
  const length = Number(entry('length') ?? count * DTYPES[dtypeFromOnnx(proto.dataType) ?? 'uint8'].bytes);
  const file = resolve(dir, location);
  const bytes = new Uint8Array(length);
  const fd = openSync(file, 'r');
  try {
    const read = readSync(fd, bytes, 0, length, offset);
    if (read !== length) throw new Error(`tensor ${proto.name}: ${file} ends after ${read} of ${length} bytes at offset ${offset}`);
  } finally {
    closeSync(fd);
  }
  return bytes;
}
