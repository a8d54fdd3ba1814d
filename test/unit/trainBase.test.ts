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
const SMOKE = ['--candidates', '1x1x16,1x2x32/280:0.1', '--sweep-steps', '2', '--steps', '4', '--patience', '2', '--min-parameters', '0', '--vocab-size', '300', '--context', '32', '--batch-size', '2', '--threads', '1'];

describe('train-base from the repository corpus', () => {
  let parent: string;
  before(() => {
    parent = makeTempDir('train-base');
  });
  after(() => removeTempDir(parent));

  it('runs every phase of a smoke configuration to a model folder that decodes, and trains nothing again on a second run', async function () {
    this.timeout(400_000); // two BPE vocabularies over the 8.6 MB of training text, then two tiny models
    const out = path.join(parent, 'model');
    const trainBase = () =>
      execFileSync(process.execPath, ['--import', 'tsx', 'extension/engine/cli/main.ts', 'train-base', '--out', out, ...SMOKE], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const first = trainBase();
    assert.match(first, /\[tokenizer\] byte-level BPE, 300 tokens, on corpus\/tinystories\/train\.txt and corpus\/tinystories\/train-extra\.txt/);
    assert.match(first, /\[tokenizer\] byte-level BPE, 280 tokens/);
    assert.match(first, / step \d+ +loss/);
    assert.match(first, /\[export\]/);

    for (const file of ['config.json', 'model.safetensors', 'tokenizer.json', 'onnx/model.onnx', 'onnx/model_int8.onnx', 'loss.svg', 'sweep.svg', 'training_summary.json']) {
      assert.ok(fs.existsSync(path.join(out, file)), `${file} is missing`);
    }
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'training_summary.json'), 'utf8'));
    assert.deepEqual(Object.keys(summary.sweep).sort(), ['1x1x16-v300', '1x2x32-v280-d0.1']);
    // Candidates with different vocabularies are ranked per byte: the winner has the lowest bits per byte.
    const byBits = Object.entries(summary.sweep as Record<string, { bitsPerByte: number; validationLoss: number }>).sort((a, b) => a[1].bitsPerByte - b[1].bitsPerByte);
    assert.equal(summary.winner, byBits[0][0]);
    for (const [, r] of byBits) assert.ok(r.bitsPerByte > 0 && r.bitsPerByte < r.validationLoss / Math.LN2, `${r.bitsPerByte} bits per byte for ${r.validationLoss} nats per token`);
    const sweepSvg = fs.readFileSync(path.join(out, 'sweep.svg'), 'utf8');
    for (const [name] of byBits) assert.ok(sweepSvg.includes(`${name}: best `), `sweep.svg draws ${name}`);
    // About 97% of the training text's tokens under the winner's tokenizer (3% held out): millions, not a smoke-sized count.
    assert.ok(Number.isInteger(summary.trainingTokens) && summary.trainingTokens > 2e6, `${summary.trainingTokens} training tokens`);
    const [layers, heads, width, vocab] = (summary.winner as string).split(/x|-v|-d/).map(Number);
    const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
    assert.deepEqual([config.n_layer, config.n_head, config.n_embd, config.vocab_size, config.n_positions], [layers, heads, width, vocab, 32]);

    const { model } = await openModelFolder(out);
    try {
      const result = await generate(model, [1, 2, 3], { sampler: { temperature: 0 }, maxNewTokens: 5 });
      assert.equal(result.tokens.length, 5);
      assert.ok(result.tokens.every((t) => Number.isInteger(t) && t >= 0 && t < vocab));
    } finally {
      await model.release();
    }

    const weights = fs.readFileSync(path.join(out, 'model.safetensors'));
    const second = trainBase();
    assert.doesNotMatch(second, /\[tokenizer\]/, 'the tokenizer was trained again');
    assert.doesNotMatch(second, / step \d+ +loss/, 'a model was trained again');
    assert.ok(fs.readFileSync(path.join(out, 'model.safetensors')).equals(weights), 'the second export wrote other weights');
  });

  it('sweeps a Llama candidate with GPT-2\'s parameters per block, and exports a Llama folder when it wins', async function () {
    this.timeout(400_000);
    const out = path.join(parent, 'llama');
    const work = path.join(parent, 'llama-work');
    const options = ['--out', out, '--work', work, ...SMOKE.slice(2)];
    const run = (candidates: string, ...more: string[]) =>
      execFileSync(process.execPath, ['--import', 'tsx', 'extension/engine/cli/main.ts', 'train-base', '--candidates', candidates, ...more, ...options], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.throws(() => run('llama:1x2x16:0.1'), /the Llama family trains without dropout/);
    assert.match(run('llama:1x2x16'), /\[sweep\] llama-1x2x16-v300: 7920 parameters/);
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'training_summary.json'), 'utf8'));
    assert.equal(summary.winner, 'llama-1x2x16-v300');
    // 300 × 16 tied embedding + one block (q, o 16 × 16; k, v 16 × 8; gate, up, down 16 × 48) + 3 RMSNorm weights of 16.
    assert.equal(summary.sweep[summary.winner].parameters, 300 * 16 + 2 * 256 + 2 * 128 + 3 * 768 + 3 * 16);
    const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
    assert.deepEqual([config.model_type, config.num_hidden_layers, config.num_attention_heads, config.num_key_value_heads, config.hidden_size, config.intermediate_size], ['llama', 1, 2, 1, 16, 48]);
    // No decode graph in a Llama folder: the runtime builds it from model.safetensors.
    assert.ok(!fs.existsSync(path.join(out, 'onnx')));
    // One candidate compares nothing: loss.svg draws its run, and there is no sweep.svg.
    assert.ok(fs.existsSync(path.join(out, 'loss.svg')) && !fs.existsSync(path.join(out, 'sweep.svg')));
    // Without --weight-decay, AdamW decays by the default, 0.3, and the run folder has no suffix.
    const defaultState = JSON.parse(fs.readFileSync(path.join(work, 'sweep', 'llama-1x2x16-v300', 'last', 'training_state.json'), 'utf8'));
    assert.equal(defaultState.optimizer.weightDecay, 0.3);
    const { model } = await openModelFolder(out);
    try {
      const result = await generate(model, [1, 2, 3], { sampler: { temperature: 0 }, maxNewTokens: 5 });
      assert.ok(result.tokens.length === 5 && result.tokens.every((t) => Number.isInteger(t) && t >= 0 && t < 300));
    } finally {
      await model.release();
    }

    // Another weight decay trains in a run folder of its own (its tokenizer is the one above), and the optimizer uses it.
    assert.throws(() => run('1x1x16', '--weight-decay=-1'), /--weight-decay must be a number ≥ 0, got "-1"/);
    const decayed = run('1x1x16', '--weight-decay', '0.5');
    assert.match(decayed, /\[sweep\] 1x1x16-v300-wd0\.5: /);
    assert.doesNotMatch(decayed, /\[tokenizer\]/);
    const state = JSON.parse(fs.readFileSync(path.join(work, 'sweep', '1x1x16-v300-wd0.5', 'last', 'training_state.json'), 'utf8'));
    assert.equal(state.optimizer.weightDecay, 0.5);
  });
});
