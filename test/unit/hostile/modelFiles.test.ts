// Hostile model folders (issue 17, items 3 and 6, and the catalogue's model files): config.json
// sizes that would allocate gigabytes, safetensors headers that lie, unpadded safetensors that are
// valid, truncated or garbage ONNX, empty and binary files. Each is answered within 5 s, naming
// the file and the problem; the valid ones load.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GPTConfig } from '../../../extension/engine/gpt/config';
import { parseCausalLMConfig } from '../../../extension/engine/modelFolder/causalLMConfig';
import { readModelFolder } from '../../../extension/engine/modelFolder/readModelFolder';
import { readSafetensors, readSafetensorsHeader } from '../../../extension/engine/modelFolder/safetensors';
import { SIZE_LIMITS } from '../../../extension/engine/modelFolder/sizeLimits';
import { OnnxModel } from '../../../extension/engine/onnx/reader';
import { openModelFolder } from '../../../extension/engine/runtime/openModelFolder';
import { makeTempDir, removeTempDir, writePeakedModel } from '../modelFolderFixtures';
import { failsWithin, succeedsWithin } from './bounded';

const CONFIG: GPTConfig = { n_layer: 2, n_head: 2, n_embd: 8, n_positions: 16, vocab_size: 257, layer_norm_epsilon: 1e-5 };

/** A safetensors file from parts, with no padding after the header (as some writers do). */
function rawSafetensors(header: Record<string, unknown>, data: Uint8Array): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, data]);
}

function editJson(file: string, edit: (json: Record<string, unknown>) => void): void {
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(json);
  fs.writeFileSync(file, JSON.stringify(json));
}

describe('hostile model folders', function () {
  this.timeout(30_000);
  let dir: string;
  let model: string;
  beforeEach(() => {
    dir = makeTempDir('hostile-model');
    model = path.join(dir, 'model');
    writePeakedModel(model, CONFIG, 3);
  });
  afterEach(() => removeTempDir(dir));

  it('config.json n_layer = 1e6 is refused at once, without building a million-layer tensor list', async () => {
    editJson(path.join(model, 'config.json'), (c) => (c.n_layer = 1_000_000));
    await failsWithin(() => readModelFolder(model), /config\.json: n_layer is 1000000, more than the 1024/);
  });

  it('config.json n_layer larger than the weights hold names both files', async () => {
    editJson(path.join(model, 'config.json'), (c) => (c.n_layer = 900));
    await failsWithin(() => readModelFolder(model), /model\.safetensors: holds 2 layers \(transformer\.h\.0 to transformer\.h\.1\) but config\.json has n_layer 900/);
  });

  it('max_position_embeddings = 5e7 is over the limit, and a smaller n_positions beside a large one wins', async () => {
    await failsWithin(() => parseCausalLMConfig({ model_type: 'llama', max_position_embeddings: 5e7 }), /config\.json: max_position_embeddings is 50000000, more than the 16777216/);
    const config = parseCausalLMConfig({ model_type: 'gpt2', max_position_embeddings: 4_000_000, n_positions: 1024 });
    assert.equal(config.contextLength, 1024);
  });

  it('every size field has a maximum', async () => {
    for (const [field, limit] of [['vocab_size', SIZE_LIMITS.vocabulary], ['num_attention_heads', SIZE_LIMITS.heads], ['hidden_size', SIZE_LIMITS.width], ['num_hidden_layers', SIZE_LIMITS.layers]] as const) {
      await failsWithin(() => parseCausalLMConfig({ model_type: 'llama', [field]: limit + 1 }), new RegExp(`config\\.json: ${field} is ${limit + 1}, more than`));
    }
  });

  it('a safetensors file whose data starts at an odd offset (no header padding) loads, with the right values', async () => {
    const values = new Float32Array([1.5, -2, 3.25]);
    const header = { a: { dtype: 'F32', shape: [3], data_offsets: [0, 12] }, b: { dtype: 'F16', shape: [1], data_offsets: [12, 14] } };
    const half = new Uint8Array([0x00, 0x3c]); // 1.0 in float16
    let bytes = rawSafetensors(header, new Uint8Array([...new Uint8Array(values.buffer), ...half]));
    // Pad the JSON with one space at a time until the data start is not a multiple of 4.
    for (let pad = 1; (bytes.readUInt32LE(0) + 8) % 4 === 0; pad++) bytes = rawSafetensors({ ...header, __metadata__: { p: ' '.repeat(pad) } }, new Uint8Array([...new Uint8Array(values.buffer), ...half]));
    assert.notEqual((bytes.readUInt32LE(0) + 8) % 4, 0);
    const file = path.join(dir, 'unpadded.safetensors');
    fs.writeFileSync(file, bytes);
    const read = await succeedsWithin(() => readSafetensors(file));
    assert.deepEqual([...read.tensors.get('a')!.data], [1.5, -2, 3.25]);
    assert.deepEqual([...read.tensors.get('b')!.data], [1]);
  });

  describe('safetensors headers that lie', () => {
    const cases: Array<[string, () => Buffer, RegExp]> = [
      ['a header length beyond the file', () => Buffer.concat([Buffer.from([0xff, 0xff, 0, 0, 0, 0, 0, 0]), Buffer.from('{}')]), /lie\.safetensors: is truncated: the header needs 65543 bytes but the file has 10/],
      ['a header length of 2^63', () => Buffer.from([0, 0, 0, 0, 0, 0, 0, 0x80]), /lie\.safetensors: declares a header of \d+ bytes; this is not a safetensors file/],
      ['a shape of 2^60 floats in 4 bytes', () => rawSafetensors({ w: { dtype: 'F32', shape: [2 ** 30, 2 ** 30], data_offsets: [0, 4] } }, new Uint8Array(4)), /lie\.safetensors: tensor w: shape \[1073741824,1073741824\] claims more bytes than any file can hold/],
      ['offsets past the end of the data', () => rawSafetensors({ w: { dtype: 'F32', shape: [1000], data_offsets: [0, 4000] } }, new Uint8Array(4)), /lie\.safetensors: is truncated: the tensors need 4000 bytes of data but the file has 4/],
      ['a reversed offset pair', () => rawSafetensors({ w: { dtype: 'F32', shape: [0], data_offsets: [4, 0] } }, new Uint8Array(4)), /lie\.safetensors: tensor w: data_offsets \[4, 0\]/],
      ['a shape of 100 dimensions', () => rawSafetensors({ w: { dtype: 'U8', shape: Array(100).fill(1), data_offsets: [0, 1] } }, new Uint8Array(1)), /lie\.safetensors: tensor w: shape has 100 dimensions, more than 8/],
      ['a header that is not JSON', () => rawSafetensors({}, new Uint8Array(0)).fill(0x7b, 8), /lie\.safetensors: header is not valid JSON/],
      ['an empty file', () => Buffer.alloc(0), /lie\.safetensors: is 0 bytes, too short for a safetensors header/],
    ];
    for (const [what, make, message] of cases) {
      it(what, async () => {
        const file = path.join(dir, 'lie.safetensors');
        fs.writeFileSync(file, make());
        await failsWithin(() => readSafetensorsHeader(file), message);
        await failsWithin(() => readSafetensors(file), message);
      });
    }
  });

  it('a 0-byte config.json and a binary config.json name the file', async () => {
    fs.writeFileSync(path.join(model, 'config.json'), '');
    await failsWithin(() => readModelFolder(model), /config\.json: is not valid JSON/);
    fs.writeFileSync(path.join(model, 'config.json'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0xff, 0xfe]));
    await failsWithin(() => readModelFolder(model), /config\.json: is not valid JSON/);
  });

  describe('ONNX decode graphs that are not', () => {
    const foreign = (onnx: Buffer) => {
      fs.rmSync(path.join(model, 'model.safetensors'));
      fs.writeFileSync(path.join(model, 'config.json'), JSON.stringify({ model_type: 'llama', vocab_size: 257, max_position_embeddings: 16 }));
      fs.mkdirSync(path.join(model, 'onnx'), { recursive: true });
      fs.writeFileSync(path.join(model, 'onnx', 'model.onnx'), onnx);
    };
    const cases: Array<[string, () => Buffer]> = [
      ['a truncated graph', () => Buffer.from([0x08, 0x07, 0x12, 0x04, 0x74, 0x65, 0x73, 0x74, 0x3a, 0xff, 0xff, 0xff])],
      ['random bytes', () => Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24))],
      ['a protobuf field claiming 2 GB', () => Buffer.from([0x3a, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00])],
      ['an empty file', () => Buffer.alloc(0)],
    ];
    for (const [what, make] of cases) {
      it(what, async () => {
        foreign(make());
        await failsWithin(() => openModelFolder(model), /onnx[/\\]model\.onnx: ONNX Runtime cannot load it/);
        // The engine's own reader (graph summaries, attention surgery) names the file too.
        await failsWithin(() => OnnxModel.load(path.join(model, 'onnx', 'model.onnx')), /onnx[/\\]model\.onnx: (not an ONNX model|the ONNX model has no graph)/);
      });
    }
  });
});
