import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TensorMap } from '../../extension/engine/gpt/tensor';
import {
  decodeSafetensors,
  encodeSafetensors,
  readSafetensors,
  readSafetensorsHeader,
  writeSafetensors,
} from '../../extension/engine/modelFolder/safetensors';
import { float16ToFloat32 } from '../../extension/engine/modelFolder/float16';
import { makeTempDir, removeTempDir } from './modelFolderFixtures';

/** A safetensors file assembled by hand from the format's description, independent of the writer. */
function handMade(header: Record<string, unknown>, data: number[]): Uint8Array {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const out = Buffer.alloc(8 + json.length + data.length);
  out.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(out, 8);
  Buffer.from(data).copy(out, 8 + json.length);
  return new Uint8Array(out);
}

function le32(values: number[]): number[] {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeFloatLE(v, i * 4));
  return [...b];
}

function le16(words: number[]): number[] {
  const b = Buffer.alloc(words.length * 2);
  words.forEach((w, i) => b.writeUInt16LE(w, i * 2));
  return [...b];
}

describe('safetensors', () => {
  let dir: string;
  beforeEach(() => (dir = makeTempDir('safetensors')));
  afterEach(() => removeTempDir(dir));

  it('round-trips float32 tensors, their shapes and order, and metadata, through a file', () => {
    const tensors: TensorMap = new Map([
      ['b.weight', { dims: [2, 3], data: Float32Array.from([1, -2, 3.5, 1e-8, -0, 65504]) }],
      ['a.bias', { dims: [3], data: Float32Array.from([0.1, 0.2, 0.3]) }],
      ['scalar', { dims: [], data: Float32Array.from([7]) }],
      ['empty', { dims: [0, 4], data: new Float32Array(0) }],
    ]);
    const file = path.join(dir, 'model.safetensors');
    writeSafetensors(file, tensors, { format: 'pt' });
    const back = readSafetensors(file);
    assert.deepEqual([...back.tensors.keys()], [...tensors.keys()]);
    for (const [name, t] of tensors) {
      assert.deepEqual(back.tensors.get(name)?.dims, t.dims, name);
      assert.deepEqual(back.tensors.get(name)?.data, t.data, name);
    }
    assert.deepEqual(back.metadata, { format: 'pt' });
    assert.deepEqual(fs.readdirSync(dir), ['model.safetensors'], 'no temporary file is left behind');
  });

  it('writes the layout of the format: little-endian header length, JSON header, data aligned to 8 bytes', () => {
    const bytes = encodeSafetensors(new Map([['x', { dims: [2], data: Float32Array.from([1.5, -2]) }]]));
    const buf = Buffer.from(bytes);
    const headerLength = Number(buf.readBigUInt64LE(0));
    assert.equal((8 + headerLength) % 8, 0);
    const header = JSON.parse(buf.subarray(8, 8 + headerLength).toString('utf8'));
    assert.deepEqual(header, { x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } });
    assert.equal(buf.readFloatLE(8 + headerLength), 1.5);
    assert.equal(buf.readFloatLE(12 + headerLength), -2);
  });

  it('reads F32, F16 and BF16 tensors from a hand-assembled file, in any order of the data', () => {
    // F16: 0x3c00 = 1, 0xc000 = -2, 0x0001 = 2^-24 (smallest subnormal), 0x7c00 = +inf.
    // BF16: 0x3f80 = 1, 0x4049 = 3.140625, 0xbf00 = -0.5.
    const f16 = le16([0x3c00, 0xc000, 0x0001, 0x7c00]);
    const bf16 = le16([0x3f80, 0x4049, 0xbf00]);
    const f32 = le32([0.25, -8]);
    const header = {
      __metadata__: { note: 'hand made' },
      half: { dtype: 'F16', shape: [2, 2], data_offsets: [8, 16] },
      brain: { dtype: 'BF16', shape: [3], data_offsets: [16, 22] },
      full: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
    };
    const { tensors, metadata } = decodeSafetensors(handMade(header, [...f32, ...f16, ...bf16]), 'w.safetensors');
    assert.deepEqual([...(tensors.get('full')?.data ?? [])], [0.25, -8]);
    assert.deepEqual([...(tensors.get('half')?.data ?? [])], [1, -2, 2 ** -24, Infinity]);
    assert.deepEqual(tensors.get('half')?.dims, [2, 2]);
    assert.deepEqual([...(tensors.get('brain')?.data ?? [])], [1, 3.140625, -0.5]);
    assert.deepEqual(metadata, { note: 'hand made' });
  });

  it('widens float16 like IEEE 754 half precision', () => {
    assert.equal(float16ToFloat32(0x3555), 0.333251953125);
    assert.equal(float16ToFloat32(0x7bff), 65504);
    assert.equal(float16ToFloat32(0x8000), -0);
    assert.ok(Number.isNaN(float16ToFloat32(0x7e00)));
  });

  it('reads only the header when asked, and reports where each tensor lies', () => {
    const file = path.join(dir, 'w.safetensors');
    writeSafetensors(file, new Map([['a', { dims: [4], data: new Float32Array(4) }], ['b', { dims: [1, 2], data: new Float32Array(2) }]]));
    const header = readSafetensorsHeader(file);
    assert.deepEqual(header.entries.map((e) => [e.name, e.dtype, e.shape, e.begin, e.end]), [['a', 'F32', [4], 0, 16], ['b', 'F32', [1, 2], 16, 24]]);
    assert.equal(header.dataStart + 24, fs.statSync(file).size);
  });

  describe('refuses broken files with the file name and the problem', () => {
    const valid = (): Uint8Array => encodeSafetensors(new Map([['w', { dims: [4], data: Float32Array.from([1, 2, 3, 4]) }]]));

    it('a truncated file', () => {
      const bytes = valid();
      assert.throws(() => decodeSafetensors(bytes.subarray(0, bytes.length - 3), 'model.safetensors'), /^ModelFolderError: model\.safetensors: is truncated: the tensors need 16 bytes of data but the file has 13$/);
      assert.throws(() => decodeSafetensors(bytes.subarray(0, 20), 'model.safetensors'), /model\.safetensors: is truncated: the header needs \d+ bytes but the file has 20/);
      assert.throws(() => decodeSafetensors(bytes.subarray(0, 5), 'model.safetensors'), /model\.safetensors: is 5 bytes, too short/);
    });

    it('offsets that do not match the dtype and shape', () => {
      const bytes = handMade({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, le32([1, 2]));
      assert.throws(() => decodeSafetensors(bytes, 'x.safetensors'), /x\.safetensors: tensor w: data_offsets \[0, 8\] hold 8 bytes but F32 \[3\] needs 12/);
    });

    it('overlapping tensors, gaps and trailing bytes', () => {
      const data = le32([1, 2, 3]);
      const overlap = handMade({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, data);
      assert.throws(() => decodeSafetensors(overlap, 'x.safetensors'), /tensor b at data_offsets \[4, 12\] overlaps the tensor before it/);
      const gap = handMade({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, data.slice(0, 8));
      assert.throws(() => decodeSafetensors(gap, 'x.safetensors'), /tensor a at data_offsets \[4, 8\] leaves a gap of 4 bytes before it/);
      const trailing = handMade({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, data);
      assert.throws(() => decodeSafetensors(trailing, 'x.safetensors'), /x\.safetensors: has 4 bytes after the last tensor/);
    });

    it('a header that is not JSON, an unknown dtype, integer weights, a missing file', () => {
      const notJson = Buffer.alloc(12);
      notJson.writeBigUInt64LE(4n, 0);
      notJson.write('{oops', 8);
      assert.throws(() => decodeSafetensors(new Uint8Array(notJson), 'x.safetensors'), /x\.safetensors: header is not valid JSON/);
      assert.throws(() => decodeSafetensors(handMade({ a: { dtype: 'F12', shape: [1], data_offsets: [0, 1] } }, [0]), 'x.safetensors'), /tensor a: unknown dtype F12/);
      assert.throws(
        () => decodeSafetensors(handMade({ ids: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Array(8).fill(0)), 'x.safetensors'),
        /tensor ids is I64; only floating-point weights/,
      );
      assert.throws(() => readSafetensors(path.join(dir, 'absent.safetensors')), /absent\.safetensors: is missing/);
    });
  });
});
