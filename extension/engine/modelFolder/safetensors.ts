// The safetensors format (Hugging Face): the weights file PyTorch users and transformers read.
//   [8 bytes: header length N, unsigned little-endian]
//   [N bytes: JSON {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
//              "__metadata__": {"key": "value"}}, padded with spaces]
//   [data: every tensor's bytes, little-endian, at data_offsets relative to the end of the header]
// The offsets must tile the data exactly: no gaps, no overlaps, nothing after the last tensor.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { numel, type Tensor, type TensorMap } from '../gpt/tensor';
import { writeFileAtomic } from './atomicWrite';
import { bfloat16ArrayToFloat32, float16ArrayToFloat32 } from './float16';
import { ModelFolderError, requireFile } from './folderError';

/** Bytes per element of the dtypes this reader widens to float32. */
const FLOAT_DTYPE_BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2, F64: 8 };
/** Other dtypes the format defines: recognised so the error can say they are not floating point. */
const OTHER_DTYPE_BYTES: Record<string, number> = {
  I64: 8, U64: 8, I32: 4, U32: 4, I16: 2, U16: 2, I8: 1, U8: 1, BOOL: 1, F8_E4M3: 1, F8_E5M2: 1,
};
/** The reference implementation refuses headers above 100 MB; so do we, before parsing them. */
const MAX_HEADER_BYTES = 100_000_000;
/** More tensors than any model has (a 405B Llama has about 1,100); a header claiming more is not believed. */
const MAX_TENSORS = 1_000_000;
/** Dimensions per tensor: weights have 1 to 4; 8 leaves room and stops a shape of a million ones. */
const MAX_RANK = 8;

export interface SafetensorsEntry {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  /** Byte range inside the data section, [begin, end). */
  readonly begin: number;
  readonly end: number;
}

export interface SafetensorsHeader {
  readonly entries: readonly SafetensorsEntry[];
  readonly metadata: Readonly<Record<string, string>>;
  /** Offset of the data section from the start of the file: 8 + N. */
  readonly dataStart: number;
}

export interface SafetensorsContents {
  readonly tensors: TensorMap;
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * Parses and validates the header. `prefix` holds at least the first 8 + N bytes of the file;
 * `fileSize` is the size of the whole file, so the offsets can be checked against it.
 * `shownAs` names the file in errors.
 */
export function parseSafetensorsHeader(prefix: Uint8Array, fileSize: number, shownAs: string): SafetensorsHeader {
  if (fileSize < 8 || prefix.length < 8) throw new ModelFolderError(shownAs, `is ${fileSize} bytes, too short for a safetensors header`);
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  const headerBytes = Number(view.getBigUint64(0, true));
  if (headerBytes > MAX_HEADER_BYTES) throw new ModelFolderError(shownAs, `declares a header of ${headerBytes} bytes; this is not a safetensors file`);
  const dataStart = 8 + headerBytes;
  if (dataStart > fileSize || dataStart > prefix.length) {
    throw new ModelFolderError(shownAs, `is truncated: the header needs ${dataStart} bytes but the file has ${fileSize}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(prefix.buffer, prefix.byteOffset + 8, headerBytes).toString('utf8'));
  } catch (error) {
    throw new ModelFolderError(shownAs, `header is not valid JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ModelFolderError(shownAs, 'header is not a JSON object');

  const metadata: Record<string, string> = {};
  const entries: SafetensorsEntry[] = [];
  const named = Object.entries(json as Record<string, unknown>);
  if (named.length > MAX_TENSORS) throw new ModelFolderError(shownAs, `header lists ${named.length} tensors, more than the ${MAX_TENSORS} this reader accepts`);
  for (const [name, value] of named) {
    if (name === '__metadata__') {
      for (const [key, text] of Object.entries((value ?? {}) as Record<string, unknown>)) {
        if (typeof text !== 'string') throw new ModelFolderError(shownAs, `__metadata__.${key} is not a string`);
        metadata[key] = text;
      }
      continue;
    }
    entries.push(parseEntry(name, value, shownAs));
  }
  checkTiling(entries, fileSize - dataStart, shownAs);
  return { entries, metadata, dataStart };
}

function parseEntry(name: string, value: unknown, shownAs: string): SafetensorsEntry {
  const fail = (problem: string): never => {
    throw new ModelFolderError(shownAs, `tensor ${name}: ${problem}`);
  };
  if (typeof value !== 'object' || value === null) return fail('entry is not an object');
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== 'string') return fail('dtype is missing');
  const itemBytes = FLOAT_DTYPE_BYTES[dtype] ?? OTHER_DTYPE_BYTES[dtype];
  if (itemBytes === undefined) return fail(`unknown dtype ${dtype}`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) return fail('shape is not a list of non-negative integers');
  if (shape.length > MAX_RANK) return fail(`shape has ${shape.length} dimensions, more than ${MAX_RANK}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    return fail('data_offsets is not [begin, end]');
  }
  const [begin, end] = offsets as number[];
  const expected = numel(shape as number[]) * itemBytes;
  if (!Number.isSafeInteger(expected)) return fail(`shape ${JSON.stringify(shape)} claims more bytes than any file can hold`);
  if (end < begin || end - begin !== expected) {
    return fail(`data_offsets [${begin}, ${end}] hold ${end - begin} bytes but ${dtype} ${JSON.stringify(shape)} needs ${expected}`);
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

/** The tensors must cover [0, dataBytes) exactly once, in some order. */
function checkTiling(entries: readonly SafetensorsEntry[], dataBytes: number, shownAs: string): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let position = 0;
  for (const entry of sorted) {
    if (entry.begin !== position) {
      const problem = entry.begin < position ? 'overlaps the tensor before it' : `leaves a gap of ${entry.begin - position} bytes before it`;
      throw new ModelFolderError(shownAs, `tensor ${entry.name} at data_offsets [${entry.begin}, ${entry.end}] ${problem}`);
    }
    position = entry.end;
  }
  if (position > dataBytes) throw new ModelFolderError(shownAs, `is truncated: the tensors need ${position} bytes of data but the file has ${dataBytes}`);
  if (position < dataBytes) throw new ModelFolderError(shownAs, `has ${dataBytes - position} bytes after the last tensor`);
}

/** Reads only the header from disk: cheap even for a multi-gigabyte file. */
export function readSafetensorsHeader(file: string, shownAs = path.basename(file)): SafetensorsHeader {
  requireFile(file, shownAs);
  const fd = fs.openSync(file, 'r');
  try {
    const fileSize = fs.fstatSync(fd).size;
    const lengthBytes = new Uint8Array(8);
    fs.readSync(fd, lengthBytes, 0, 8, 0);
    const headerBytes = fileSize >= 8 ? Number(new DataView(lengthBytes.buffer).getBigUint64(0, true)) : 0;
    const prefix = new Uint8Array(Math.min(fileSize, 8 + Math.min(headerBytes, MAX_HEADER_BYTES)));
    fs.readSync(fd, prefix, 0, prefix.length, 0);
    return parseSafetensorsHeader(prefix, fileSize, shownAs);
  } finally {
    fs.closeSync(fd);
  }
}

/** Decodes a whole file held in memory; every floating-point dtype is widened to float32. */
export function decodeSafetensors(bytes: Uint8Array, shownAs: string): SafetensorsContents {
  const header = parseSafetensorsHeader(bytes, bytes.length, shownAs);
  const tensors: TensorMap = new Map();
  for (const entry of header.entries) {
    const start = header.dataStart + entry.begin;
    // Copy the bytes into a fresh buffer so the typed array is aligned: writers need not pad the
    // header, so a tensor may start at any byte, and a Buffer's slice() is a view, not a copy.
    // The platforms Node runs on are little-endian like the format.
    const raw = Uint8Array.prototype.slice.call(bytes, start, header.dataStart + entry.end);
    tensors.set(entry.name, { dims: [...entry.shape], data: toFloat32(entry, raw, shownAs) });
  }
  return { tensors, metadata: header.metadata };
}

function toFloat32(entry: SafetensorsEntry, raw: Uint8Array, shownAs: string): Float32Array {
  switch (entry.dtype) {
    case 'F32':
      return new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
    case 'F16':
      return float16ArrayToFloat32(new Uint16Array(raw.buffer, raw.byteOffset, raw.byteLength / 2));
    case 'BF16':
      return bfloat16ArrayToFloat32(new Uint16Array(raw.buffer, raw.byteOffset, raw.byteLength / 2));
    case 'F64':
      return Float32Array.from(new Float64Array(raw.buffer, raw.byteOffset, raw.byteLength / 8));
    default:
      throw new ModelFolderError(shownAs, `tensor ${entry.name} is ${entry.dtype}; only floating-point weights (F32, F16, BF16, F64) can be read`);
  }
}

export function readSafetensors(file: string, shownAs = path.basename(file)): SafetensorsContents {
  requireFile(file, shownAs);
  return decodeSafetensors(fs.readFileSync(file), shownAs);
}

/** Encodes float32 tensors, in the map's order, with the header padded so the data starts 8-byte aligned. */
export function encodeSafetensors(tensors: TensorMap, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, tensor] of tensors) {
    checkTensor(name, tensor);
    header[name] = { dtype: 'F32', shape: tensor.dims, data_offsets: [offset, offset + tensor.data.byteLength] };
    offset += tensor.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const jsonBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + jsonBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(jsonBytes.length), true);
  out.set(jsonBytes, 8);
  let position = 8 + jsonBytes.length;
  for (const tensor of tensors.values()) {
    out.set(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength), position);
    position += tensor.data.byteLength;
  }
  return out;
}

export function writeSafetensors(file: string, tensors: TensorMap, metadata: Readonly<Record<string, string>> = {}): void {
  writeFileAtomic(file, encodeSafetensors(tensors, metadata));
}

function checkTensor(name: string, tensor: Tensor): void {
  if (name === '__metadata__') throw new Error('safetensors: "__metadata__" cannot name a tensor');
  if (tensor.data.length !== numel(tensor.dims)) {
    throw new Error(`safetensors: tensor ${name} has ${tensor.data.length} values but shape ${JSON.stringify(tensor.dims)} needs ${numel(tensor.dims)}`);
  }
}

