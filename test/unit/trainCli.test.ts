// The `train` command line: flags become TrainOptions, and a short run writes a loadable model folder.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { optionsFromArgs, trainCommand } from '../../extension/engine/cli/train';
import { readModelFolder } from '../../extension/engine/modelFolder/readModelFolder';
import { loadCheckpoint } from '../../extension/engine/train/checkpoint';
import { gptOnly, isLlamaConfig } from '../../extension/engine/train/trainableConfig';

describe('cli train', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'train-cli-'));
    fs.writeFileSync(path.join(dir, 'data.txt'), 'To be, or not to be, that is the question.\n'.repeat(40));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('turns flags into options: preset, overrides, byte tokenizer by default, optimizer choice', async () => {
    const out = path.join(dir, 'out');
    const o = await optionsFromArgs({ data: path.join(dir, 'data.txt'), out, preset: 'small', 'n-layer': '3', steps: '7', batch: '2', lr: '3e-4', optimizer: 'sgd', seed: '9', resume: true, schedule: 'constant', clip: '0.5' });
    const model = gptOnly(o.model, 'the small preset');
    assert.deepEqual([model.n_layer, model.n_head, model.n_embd, model.n_positions, model.vocab_size], [3, 4, 128, 256, 257]);
    assert.deepEqual([o.steps, o.batchSize, o.learningRate, o.seed, o.resume, o.contextLength], [7, 2, 3e-4, 9, true, 256]);
    assert.equal(o.optimizer.kind, 'sgd');
    assert.deepEqual([o.schedule, o.maxGradNorm], ['constant', 0.5]);
    assert.ok(fs.existsSync(o.tokenizerPath), 'the byte tokenizer is written under --out');
    const llama = await optionsFromArgs({ data: path.join(dir, 'data.txt'), out, preset: 'small', architecture: 'llama' });
    assert.ok(isLlamaConfig(llama.model), '--architecture llama trains a Llama');
    assert.deepEqual([llama.model.num_hidden_layers, llama.model.hidden_size, llama.model.num_key_value_heads, llama.model.max_position_embeddings, llama.contextLength], [4, 128, 2, 256, 256]);
    await assert.rejects(optionsFromArgs({ data: 'x', out, architecture: 'mamba' }), /--architecture must be gpt2 or llama/);
    await assert.rejects(optionsFromArgs({ data: 'x', out, preset: 'huge' }), /--preset must be one of/);
    await assert.rejects(optionsFromArgs({ data: 'x', out, steps: 'many' }), /--steps must be a whole number/);
    await assert.rejects(optionsFromArgs({ data: 'x', out, optimizer: 'lion' }), /--optimizer must be adamw or sgd/);
  });

  it('--sft and --dpo choose the objective and read the tokenizer and chat template from --base', async () => {
    const base = path.join(__dirname, '..', '..', 'models', 'tinystories-1m');
    const out = path.join(dir, 'out');
    const sft = await optionsFromArgs({ sft: 'chat.jsonl', base, out, preset: 'small' });
    assert.deepEqual([sft.objective, sft.dataPath, sft.tokenizerPath, sft.model.vocab_size], [{ kind: 'sft', allTokens: false }, 'chat.jsonl', base, 4096]);
    const dpo = await optionsFromArgs({ dpo: 'pairs.jsonl', base, out, beta: '0.2' });
    assert.deepEqual(dpo.objective, { kind: 'dpo', beta: 0.2 });
    assert.equal((await optionsFromArgs({ sft: 'chat.jsonl', base, out, 'all-tokens': true })).objective?.kind, 'sft');
    await assert.rejects(optionsFromArgs({ sft: 'a.jsonl', dpo: 'b.jsonl', base, out }), /give one of --data, --sft and --dpo/);
  });

  it('trains for --epochs and writes last and best checkpoints that load as model folders', async () => {
    const out = path.join(dir, 'out');
    const log: string[] = [];
    const original = console.log;
    console.log = (line: string) => log.push(line);
    try {
      await trainCommand.run(['--data', path.join(dir, 'data.txt'), '--out', out, '--n-layer', '1', '--n-embd', '16', '--n-head', '2', '--n-positions', '16',
        '--epochs', '2', '--batch', '4', '--eval-every', '5', '--sample-every', '0', '--threads', '1']);
    } finally {
      console.log = original;
    }
    const state = loadCheckpoint(path.join(out, 'last')).state;
    // 1722 byte tokens (40 lines of 43, and the blank line the loader adds); 1550 train after the
    // 10% validation; (1550 − 1) / 16 → 96 windows; 4 per step → 24 steps per epoch.
    assert.equal(state.step, 48);
    assert.equal(readModelFolder(path.join(out, 'best')).kind, 'gpt2');
    assert.ok(log.some((l) => /^step +48\/48 +loss/.test(l)), log.join('\n'));
    assert.ok(log.at(-1)?.startsWith('done at step 48'));
  });

  it('--estimate --json prints the estimate, and --json prints each event as one JSON line', async () => {
    const out = path.join(dir, 'out');
    const log: string[] = [];
    const original = console.log;
    console.log = (line: string) => log.push(line);
    const args = ['--data', path.join(dir, 'data.txt'), '--out', out, '--n-layer', '1', '--n-embd', '16', '--n-head', '2', '--n-positions', '16', '--steps', '6', '--batch', '4', '--eval-every', '3', '--sample-every', '0', '--threads', '1', '--json'];
    try {
      await trainCommand.run([...args, '--estimate']);
      await trainCommand.run(args);
    } finally {
      console.log = original;
    }
    const [estimate, ...events] = log.map((line) => JSON.parse(line));
    assert.equal(estimate.trainTokens + estimate.validationTokens, 1722);
    assert.equal(estimate.tokensSeen, 6 * 4 * 16);
    assert.deepEqual(events.map((e) => e.type).filter((t, i, all) => all.indexOf(t) === i), ['started', 'progress', 'checkpoint', 'done']);
    assert.equal(events.at(-1).step, 6);
    assert.equal(events.find((e) => e.type === 'started').trainTokens, estimate.trainTokens);
  });
});
