// The decode sessions' thread choice: one thread per operator for a small model (the bundled one), every
// core once the weights pass SMALL_MODEL_BYTES (a sparse file stands in for a large graph).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readModelFolder } from '../../extension/engine/modelFolder/readModelFolder';
import { SMALL_MODEL_BYTES, decodeThreads } from '../../extension/engine/runtime/decodeThreads';

const BUNDLED = path.join(__dirname, '..', '..', 'models', 'tinystories-1m');

describe('decode threads', () => {
  it('gives the bundled model one thread per operator', () => {
    assert.equal(decodeThreads(readModelFolder(BUNDLED)), 1);
  });

  it('gives a model with more weights every core, counting a graph\'s external data', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'decode-threads-'));
    try {
      fs.mkdirSync(path.join(dir, 'onnx'));
      fs.writeFileSync(path.join(dir, 'onnx', 'model.onnx'), 'graph');
      const folder = { ...readModelFolder(BUNDLED), dir, onnxFiles: ['onnx/model.onnx'] };
      assert.equal(decodeThreads(folder), 1, 'a small graph');
      fs.writeFileSync(path.join(dir, 'onnx', 'model.onnx_data'), '');
      fs.truncateSync(path.join(dir, 'onnx', 'model.onnx_data'), SMALL_MODEL_BYTES + 1);
      assert.equal(decodeThreads(folder), os.availableParallelism());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
