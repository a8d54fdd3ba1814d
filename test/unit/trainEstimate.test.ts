// The figures shown before a run starts, checked against what the run then does, and the runs
// refused before anything is allocated.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parameterCount } from '../../extension/engine/gpt/sizes';
import { loadTokenizerFile } from '../../extension/engine/tokenizer/loadTokenizerFile';
import { byteTokenizerJson } from '../../extension/engine/train/byteTokenizer';
import { estimateTraining } from '../../extension/engine/train/estimate';
import { estimateInWorker } from '../../extension/engine/train/host';
import { checkBeforeStart, checkFitsInMemory, trainingMemory } from '../../extension/engine/train/memoryEstimate';
import { defaultTrainOptions, type TrainOptions } from '../../extension/engine/train/options';
import type { StartedEvent, TrainEvent } from '../../extension/engine/train/protocol';
import { train } from '../../extension/engine/train/trainer';
import { tsxWorkerScript } from './workerShim';
import { readModelFolder } from '../../extension/engine/modelFolder/readModelFolder';
import { DEFAULT_SETTINGS, trainOptionsFrom } from '../../extension/train/runOptions';
import { gptOnly } from '../../extension/engine/train/trainableConfig';

const STORY = 'Once upon a time there was a small cat who liked to sleep in the sun. ';

describe('training estimate', () => {
  let dir: string;
  let options: TrainOptions;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'train-estimate-'));
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(byteTokenizerJson()));
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'data', 'a.txt'), STORY.repeat(20));
    fs.writeFileSync(path.join(dir, 'data', 'b.md'), STORY.repeat(10));
    fs.writeFileSync(path.join(dir, 'data', 'image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]));
    const model = { n_layer: 1, n_head: 2, n_embd: 16, n_positions: 32, vocab_size: 257, layer_norm_epsilon: 1e-5 };
    options = {
      ...defaultTrainOptions({ dataPath: path.join(dir, 'data'), tokenizerPath: path.join(dir, 'tokenizer.json'), outDir: path.join(dir, 'out'), model }),
      steps: 30, batchSize: 4, contextLength: 32, evalEvery: 0, sampleEvery: 0, checkpointEvery: 0, threads: 1,
    };
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('counts files, bytes and tokens as the run then sees them, and measures a step', async () => {
    const estimate = await estimateTraining(options);
    const bytes = Buffer.byteLength(STORY) * 30;
    assert.equal(estimate.files, 2, 'the .txt and .md files, not the image');
    assert.equal(estimate.bytes, bytes);
    // Byte tokens: every byte, plus the blank line the loader puts after each file.
    assert.equal(estimate.trainTokens + estimate.validationTokens, bytes + 2 * 2);
    assert.equal(estimate.parameters, parameterCount(gptOnly(options.model, 'this run')).total);
    assert.equal(estimate.tokensSeen, 30 * 4 * 32);
    assert.equal(estimate.tokensPerParameter, estimate.tokensSeen / estimate.parameters);
    assert.ok(estimate.secondsPerStep > 0 && estimate.secondsPerStep < 5, `${estimate.secondsPerStep} s per step`);
    assert.equal(estimate.seconds, estimate.secondsPerStep * 30);

    const events: TrainEvent[] = [];
    await train(options, { onEvent: (e) => events.push(e) });
    const started = events.find((e): e is StartedEvent => e.type === 'started');
    assert.ok(started);
    assert.equal(started.trainTokens, estimate.trainTokens);
    assert.equal(started.validationTokens, estimate.validationTokens);
    assert.equal(started.totalSteps, estimate.totalSteps);
    assert.equal(started.flopsPerToken, estimate.flopsPerToken);
    assert.deepEqual(started.layers, ['embeddings', 'block 0', 'final norm']);
    const progress = events.filter((e) => e.type === 'progress');
    assert.ok(progress.every((p) => p.layerGradNorms.length === 3 && p.mfu > 0 && p.mfu < 1), 'every progress event has three layer norms and an MFU in (0, 1)');
  });

  it('runs in the worker and reports a data problem as an error naming the file', async () => {
    const workerScript = tsxWorkerScript(dir, 'trainWorker', 'extension/engine/train/worker.ts');
    const estimate = await estimateInWorker(options, { workerScript });
    assert.equal(estimate.files, 2);
    fs.writeFileSync(path.join(dir, 'empty.txt'), '');
    await assert.rejects(estimateInWorker({ ...options, dataPath: path.join(dir, 'empty.txt') }, { workerScript }), /empty\.txt: holds no text to train on/);
    fs.writeFileSync(path.join(dir, 'short.txt'), 'Too short.');
    await assert.rejects(estimateInWorker({ ...options, dataPath: path.join(dir, 'short.txt') }, { workerScript }), /short\.txt: only 12 tokens, fewer than one window of 33/);
    fs.writeFileSync(path.join(dir, 'binary.txt'), Buffer.from([1, 2, 0, 3]));
    await assert.rejects(estimateInWorker({ ...options, dataPath: path.join(dir, 'binary.txt') }, { workerScript }), /binary\.txt: looks like a binary file/);
  });

  it('learns a BPE tokenizer from the data when asked, and sizes the model to it', async () => {
    const out = path.join(dir, 'bpe-out');
    const estimate = await estimateTraining({ ...options, outDir: out, trainTokenizer: { vocabSize: 300 } });
    const tokenizer = await loadTokenizerFile(path.join(out, 'tokenizer', 'tokenizer.json'));
    assert.equal(estimate.vocabSize, tokenizer.vocabSize);
    assert.ok(tokenizer.vocabSize <= 300 && tokenizer.vocabSize > 257, `vocabulary ${tokenizer.vocabSize}`);
    assert.ok(estimate.trainTokens + estimate.validationTokens < Buffer.byteLength(STORY) * 30, 'merges make fewer tokens than bytes');
    assert.equal(estimate.parameters, parameterCount({ ...gptOnly(options.model, 'this run'), vocab_size: tokenizer.vocabSize }).total);
    // The same folder asked for another size learns again; asked for the same, it keeps what it learned.
    const smaller = await estimateTraining({ ...options, outDir: out, trainTokenizer: { vocabSize: 270 } });
    assert.ok(smaller.vocabSize <= 270 && smaller.vocabSize < estimate.vocabSize, `vocabulary ${smaller.vocabSize}`);
    const before = fs.statSync(path.join(out, 'tokenizer', 'tokenizer.json')).mtimeMs;
    await estimateTraining({ ...options, outDir: out, trainTokenizer: { vocabSize: 270 } });
    assert.equal(fs.statSync(path.join(out, 'tokenizer', 'tokenizer.json')).mtimeMs, before);
  });

  it('refuses a run larger than the machine, with the figures', () => {
    const big = { n_layer: 48, n_head: 25, n_embd: 1600, n_positions: 1024, vocab_size: 50257, layer_norm_epsilon: 1e-5 };
    const memory = trainingMemory(big, 16, 1024, 'adamw');
    // GPT-2 XL: 1.56 B parameters × 7 float32 copies is 43.7 GB before activations.
    assert.ok(memory.parameterBytes > 43e9 && memory.parameterBytes < 44e9, `${memory.parameterBytes}`);
    assert.throws(() => checkFitsInMemory(memory, 24 * 2 ** 30), /needs about \d+\.\d GiB \(40\.\d for weights and optimizer state, \d+\.\d for activations\), more than 60% of the machine's 24\.0 GiB/);
    assert.doesNotThrow(() => checkFitsInMemory(trainingMemory(options.model, 4, 32, 'adamw'), 24 * 2 ** 30));
    // Before a run starts: the same figures for a new model, and options that cannot work.
    assert.throws(() => checkBeforeStart({ ...options, model: big, batchSize: 16, contextLength: 1024 }, 24 * 2 ** 30), /needs about/);
    assert.throws(() => checkBeforeStart({ ...options, contextLength: 64 }, 24 * 2 ** 30), /context length 64 exceeds the model's n_positions 32/);
    assert.doesNotThrow(() => checkBeforeStart(options, 24 * 2 ** 30));
  });

  it("gives the walkthrough's figures for the sample run: 370 k parameters, 26 k training tokens, 410 k seen, 15 epochs", async () => {
    const root = path.resolve(__dirname, '..', '..');
    const settings = DEFAULT_SETTINGS;
    const bundled = path.join(root, 'models', 'tinystories-1m');
    const config = readModelFolder(bundled).gpt2?.gpt;
    assert.ok(config);
    const sample = trainOptionsFrom(settings, { folder: bundled, config }, {
      dataPath: path.join(root, 'walkthroughs', 'training-sample', 'stories.txt'), outDir: path.join(dir, 'sample'), byteTokenizerPath: '',
    });
    const e = await estimateTraining({ ...sample, threads: 1 });
    const page = fs.readFileSync(path.join(root, 'walkthroughs', 'step4-training.md'), 'utf8').replace(/\s+/g, ' ');
    assert.equal(Math.round(e.parameters / 1e4), 37);
    assert.match(page, /370 k parameters/);
    assert.equal(Math.round(e.trainTokens / 1e3), 26);
    assert.equal(Math.round(e.tokensSeen / 1e4), 41);
    assert.equal(Math.round(e.epochs), 15);
    assert.match(page, /The sample run sees 410 k tokens of a 26 k-token training text: 15 epochs/);
  });
});
