// `npm run train:base` from the repository alone: the corpus is in corpus/ (no folder beside the
// clone), and a smoke configuration (tiny shapes, a few steps, a small vocabulary) runs every
// phase — tokenizer, sweep, train, export — to a model folder the runtime opens and decodes with.
// Run a second time, it trains nothing again and exports the same weights.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generate } from '../../extension/engine/generate/generate';
import { openModelFolder } from '../../extension/engine/runtime/openModelFolder';
import { makeTempDir, removeTempDir } from './modelFolderFixtures';

const ROOT = path.join(__dirname, '..', '..');
const SMOKE = ['--sizes', '1x1x16,1x2x32', '--sweep-steps', '2', '--steps', '4', '--patience', '2', '--min-parameters', '0', '--vocab-size', '300', '--context', '32', '--batch-size', '2', '--threads', '1'];

describe('train-base from the repository corpus', () => {
  let parent: string;
  before(() => {
    parent = makeTempDir('train-base');
  });
  after(() => removeTempDir(parent));

  it('runs every phase of a smoke configuration to a model folder that decodes, and trains nothing again on a second run', async function () {
    this.timeout(300_000); // BPE counting over the 4 MB train.txt, then two tiny models
    const out = path.join(parent, 'model');
    const trainBase = () =>
      execFileSync(process.execPath, ['--import', 'tsx', 'extension/engine/cli/main.ts', 'train-base', '--out', out, ...SMOKE], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const first = trainBase();
    assert.match(first, /\[tokenizer\] byte-level BPE, 300 tokens, on corpus\/tinystories\/train\.txt/);
    assert.match(first, / step \d+ +loss/);
    assert.match(first, /\[export\]/);

    for (const file of ['config.json', 'model.safetensors', 'tokenizer.json', 'onnx/model.onnx', 'onnx/model_int8.onnx', 'loss.svg', 'training_summary.json']) {
      assert.ok(fs.existsSync(path.join(out, file)), `${file} is missing`);
    }
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'training_summary.json'), 'utf8'));
    assert.deepEqual(Object.keys(summary.sweep).sort(), ['1x1x16', '1x2x32']);
    const [layers, heads, width] = (summary.winner as string).split('x').map(Number);
    const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
    assert.deepEqual([config.n_layer, config.n_head, config.n_embd, config.vocab_size, config.n_positions], [layers, heads, width, 300, 32]);

    const { model } = await openModelFolder(out);
    try {
      const result = await generate(model, [1, 2, 3], { sampler: { temperature: 0 }, maxNewTokens: 5 });
      assert.equal(result.tokens.length, 5);
      assert.ok(result.tokens.every((t) => Number.isInteger(t) && t >= 0 && t < 300));
    } finally {
      await model.release();
    }

    const weights = fs.readFileSync(path.join(out, 'model.safetensors'));
    const second = trainBase();
    assert.doesNotMatch(second, /\[tokenizer\]/, 'the tokenizer was trained again');
    assert.doesNotMatch(second, / step \d+ +loss/, 'a model was trained again');
    assert.ok(fs.readFileSync(path.join(out, 'model.safetensors')).equals(weights), 'the second export wrote other weights');
  });
});
