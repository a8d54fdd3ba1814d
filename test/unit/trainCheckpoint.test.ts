// Checkpoints survive a crash while they are written: a process killed just before chosen file
// operations of a write (each rename among them), an error between writing the new folder and
// swapping it in, and a crash between the two renames of the swap all leave a complete checkpoint
// that loads.
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
/** The fs calls a checkpoint save makes, counted by the writer that kills itself before one of them. */
const FILE_OPERATIONS = ['mkdirSync', 'openSync', 'writeSync', 'writeFileSync', 'fsyncSync', 'closeSync', 'renameSync', 'rmSync'];

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

  it('a writer process killed before each rename of a save (and more points) leaves the previous or the new checkpoint', async function () {
    this.timeout(240_000);
    const target = path.join(dir, 'last');
    const writer = path.join(dir, 'writer.js');
    const engine = (file: string) => JSON.stringify(path.join(root, 'extension/engine', file));
    // The child saves checkpoint 2 over checkpoint 1 and kills itself just before its Nth file
    // operation (counting the calls below); with N = 0 it finishes and prints the operations' names.
    fs.writeFileSync(writer, [
      `require(${JSON.stringify(require.resolve('tsx/cjs', { paths: [root] }))});`,
      `const fs = require('node:fs');`,
      `const { saveCheckpoint } = require(${engine('train/checkpoint.ts')});`,
      `const { randomWeights } = require(${engine('gpt/randomWeights.ts')});`,
      `const { byteTokenizerJson } = require(${engine('train/byteTokenizer.ts')});`,
      `const config = ${JSON.stringify(config)};`,
      `const checkpoint = { config, weights: randomWeights(config, 2), tokenizerJson: byteTokenizerJson(),`,
      `  optimizerState: new Map([['transformer.wte.weight.adam_m', new Float32Array(config.vocab_size * config.n_embd).fill(2)]]),`,
      `  state: { ...${JSON.stringify(checkpointAt(0).state)}, step: 2, history: [{ step: 2, loss: 2 }] } };`,
      `const killAt = Number(process.argv[2]); const ops = [];`,
      `for (const name of ${JSON.stringify(FILE_OPERATIONS)}) {`,
      `  const real = fs[name];`,
      `  fs[name] = (...args) => { ops.push(name); if (ops.length === killAt) process.kill(process.pid, 'SIGKILL'); return real.apply(fs, args); };`,
      `}`,
      `saveCheckpoint(${JSON.stringify(target)}, checkpoint, () => [config.vocab_size, config.n_embd]).then(() => process.stdout.write(JSON.stringify(ops)));`,
    ].join('\n'));
    const runWriter = async (killAt: number): Promise<string> => {
      await saveCheckpoint(target, checkpointAt(1), dims);
      const child = spawn(process.execPath, [writer, String(killAt)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
      assert.equal(signal, killAt === 0 ? null : 'SIGKILL', `writer exit ${code} ${signal}`);
      return out;
    };

    const ops = JSON.parse(await runWriter(0)) as string[];
    assert.equal(expectLoadable(target), 2);
    // The swap's rename of the new folder into place is its last rename: killed before it, readers
    // see checkpoint 1 (in place, or set aside as <name>.old-*); killed after it, checkpoint 2.
    const intoPlace = ops.lastIndexOf('renameSync') + 1;
    // Killed at the first operation, half-way through filling the new folder, before each rename
    // (the swap's and the atomic files'), just after the swap, and before the very last operation.
    const killPoints = new Set([1, Math.floor(intoPlace / 2), intoPlace + 1, ops.length]);
    ops.forEach((op, i) => op === 'renameSync' && killPoints.add(i + 1));
    let leftBehind = 0;
    for (const killAt of [...killPoints].filter((n) => n >= 1 && n <= ops.length).sort((a, b) => a - b)) {
      await runWriter(killAt);
      if (leftovers(target).length > 0) leftBehind++;
      assert.equal(expectLoadable(target), killAt > intoPlace ? 2 : 1, `killed before operation ${killAt} of ${ops.length} (${ops[killAt - 1]})`);
      // The next save recovers whatever the crash left.
      await saveCheckpoint(target, checkpointAt(3), dims);
      assert.equal(expectLoadable(target), 3);
      assert.deepEqual(leftovers(target), []);
    }
    assert.ok(leftBehind > 0, 'some kills landed inside a write, with its temporary folder on disk');
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
