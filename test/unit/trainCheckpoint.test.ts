// Checkpoints survive a crash while they are written: a process killed at a random moment of a
// write, an error between writing the new folder and swapping it in, and a crash between the two
// renames of the swap all leave a complete checkpoint that loads.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomWeights } from '../../extension/engine/gpt/randomWeights';
import { readModelFolder } from '../../extension/engine/modelFolder/readModelFolder';
import { OWNER_MARKER, replaceFolderAtomically, resolveFolder } from '../../extension/engine/train/atomicFolder';
import { byteTokenizerJson } from '../../extension/engine/train/byteTokenizer';
import { loadCheckpoint, saveCheckpoint, type Checkpoint } from '../../extension/engine/train/checkpoint';
import { Mulberry32 } from '../../extension/engine/generate/random';

const root = path.resolve(__dirname, '..', '..');
const config = { n_layer: 2, n_head: 4, n_embd: 128, n_positions: 128, vocab_size: 2048, layer_norm_epsilon: 1e-5 };

function checkpointAt(step: number): Checkpoint {
  const weights = randomWeights(config, step);
  return {
    config, weights, tokenizerJson: byteTokenizerJson(),
    optimizerState: new Map([['transformer.wte.weight.adam_m', new Float32Array(config.vocab_size * config.n_embd).fill(step)]]),
    state: {
      step, totalSteps: 100, seed: 1, batchSize: 1, contextLength: 8, optimizer: { kind: 'adamw', beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: 0.1 },
      sampleRandomState: 0, history: [{ step, loss: step }],
    },
  };
}
const dims = () => [config.vocab_size, config.n_embd];

function expectLoadable(dir: string): number {
  const ckpt = loadCheckpoint(dir);
  assert.equal(readModelFolder(resolveFolder(dir) as string).kind, 'gpt2');
  assert.equal(ckpt.optimizerState.get('transformer.wte.weight.adam_m')?.[0], ckpt.state.step, 'optimizer state belongs to the same step as the weights');
  return ckpt.state.step;
}

const leftovers = (dir: string) => fs.readdirSync(path.dirname(dir)).filter((n) => n.startsWith(`${path.basename(dir)}.`));

describe('checkpoint writes are crash-safe', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'train-ckpt-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a writer process killed at random moments always leaves the previous or the new checkpoint', async function () {
    this.timeout(120_000);
    const target = path.join(dir, 'last');
    await saveCheckpoint(target, checkpointAt(0), dims);
    const writer = path.join(dir, 'writer.js');
    const engine = (file: string) => JSON.stringify(path.join(root, 'extension/engine', file));
    // The child writes checkpoints 1, 2, 3, ... (like checkpointAt) and prints each finished step.
    fs.writeFileSync(writer, [
      `require(${JSON.stringify(require.resolve('tsx/cjs', { paths: [root] }))});`,
      `const { saveCheckpoint } = require(${engine('train/checkpoint.ts')});`,
      `const { randomWeights } = require(${engine('gpt/randomWeights.ts')});`,
      `const { byteTokenizerJson } = require(${engine('train/byteTokenizer.ts')});`,
      `const config = ${JSON.stringify(config)};`,
      `const weights = randomWeights(config, 1);`,
      `const at = (step) => ({ config, weights, tokenizerJson: byteTokenizerJson(),`,
      `  optimizerState: new Map([['transformer.wte.weight.adam_m', new Float32Array(config.vocab_size * config.n_embd).fill(step)]]),`,
      `  state: { ...${JSON.stringify(checkpointAt(0).state)}, step, history: [{ step, loss: step }] } });`,
      `(async () => { for (let step = 1; ; step++) { await saveCheckpoint(${JSON.stringify(target)}, at(step), () => [config.vocab_size, config.n_embd]); process.stdout.write(step + '\\n'); } })();`,
    ].join('\n'));
    const random = new Mulberry32(7);
    let killedMidWrite = 0;
    for (let round = 0; round < 5; round++) {
      const child = spawn(process.execPath, [writer], { stdio: ['ignore', 'pipe', 'inherit'] });
      let written = 0;
      child.stdout.on('data', (d: Buffer) => (written = Math.max(written, ...d.toString().trim().split('\n').map(Number))));
      // Wait for the child to start writing, then kill it somewhere inside a write.
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((r) => setTimeout(r, random.nextInt(400)));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      if (fs.readdirSync(dir).some((n) => n.startsWith('last.tmp-') || n.startsWith('last.old-'))) killedMidWrite++;
      const step = expectLoadable(target);
      assert.ok(step >= written && step <= written + 1, `step ${step} after ${written} completed writes`);
    }
    assert.ok(killedMidWrite > 0, 'at least one kill landed inside a write');
  });

  it('an error between writing the new folder and the swap keeps the previous checkpoint', async () => {
    const target = path.join(dir, 'last');
    await saveCheckpoint(target, checkpointAt(3), dims);
    await assert.rejects(replaceFolderAtomically(target, () => false, (temp) => {
      fs.writeFileSync(path.join(temp, 'config.json'), '{}');
      throw new Error('disk full');
    }), /disk full/);
    assert.equal(expectLoadable(target), 3);
    assert.deepEqual(leftovers(target), []);
  });

  it('a crash between the two renames of the swap: readers fall back to the old folder, the next write recovers', async () => {
    const target = path.join(dir, 'last');
    await saveCheckpoint(target, checkpointAt(4), dims);
    fs.renameSync(target, `${target}.old-999-x`);
    fs.mkdirSync(`${target}.tmp-999-y`);
    fs.writeFileSync(path.join(`${target}.tmp-999-y`, OWNER_MARKER), ''); // the crashed writer had begun filling it
    assert.equal(resolveFolder(target), `${target}.old-999-x`);
    assert.equal(loadCheckpoint(target).state.step, 4);
    assert.ok(fs.existsSync(`${target}.tmp-999-y`), 'reading changes nothing on disk');
    await saveCheckpoint(target, checkpointAt(5), dims);
    assert.equal(expectLoadable(target), 5);
    assert.deepEqual(leftovers(target), [], 'the write cleared what the crash left');
  });
});
