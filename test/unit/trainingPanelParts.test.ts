// The training panel's host parts that need no VS Code: the form turned into TrainOptions (each
// choice, and what the engine then refuses), the run's view built from worker events, and the
// model card written into a finished run's folder.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parameterCount } from '../../extension/engine/gpt/sizes';
import { byteTokenizerJson } from '../../extension/engine/train/byteTokenizer';
import { checkTrainOptions } from '../../extension/engine/train/options';
import type { TrainEvent } from '../../extension/engine/train/protocol';
import { freeRunFolder, readRunRecord, runFolderName, writeRunCard, writeRunRecord } from '../../extension/engine/train/runRecord';
import { train } from '../../extension/engine/train/trainer';
import { DEFAULT_SETTINGS, modelConfig, presetViews, trainOptionsFrom } from '../../extension/train/runOptions';
import { RunViewBuilder } from '../../extension/train/runView';
import { gptOnly, isLlamaConfig, totalParameters } from '../../extension/engine/train/trainableConfig';

const active = { folder: '/models/bundled', config: { n_layer: 4, n_head: 4, n_embd: 128, n_positions: 256, vocab_size: 4096, layer_norm_epsilon: 1e-5 } };
const place = { dataPath: '/data/stories.txt', outDir: '/runs/one', byteTokenizerPath: '/runs/one/byte-tokenizer/tokenizer.json' };

describe('training panel: form → options', () => {
  it('a preset on the active tokenizer: a new model sized to its vocabulary', () => {
    const o = trainOptionsFrom(DEFAULT_SETTINGS, active, place);
    const model = gptOnly(o.model, 'the tiny preset');
    assert.deepEqual([model.n_layer, model.n_embd, model.n_positions, model.vocab_size], [2, 64, 128, 4096]);
    assert.equal(o.tokenizerPath, active.folder);
    assert.equal(o.baseModel, undefined);
    assert.equal(o.trainTokenizer, undefined);
    assert.deepEqual([o.steps, o.epochs, o.batchSize, o.contextLength, o.learningRate, o.warmupSteps, o.evalEvery], [200, undefined, 16, 128, 3e-3, 20, 20]);
    assert.equal(o.optimizer.kind === 'adamw' && o.optimizer.weightDecay, 0.1);
    assert.doesNotThrow(() => checkTrainOptions(o));
  });

  it('bytes, a learned BPE, custom sizes, epochs, and continuing the active model', () => {
    const bytes = trainOptionsFrom({ ...DEFAULT_SETTINGS, tokenizer: 'bytes' }, active, place);
    assert.equal(bytes.tokenizerPath, place.byteTokenizerPath);
    assert.equal(bytes.model.vocab_size, 257);
    const bpe = trainOptionsFrom({ ...DEFAULT_SETTINGS, tokenizer: 'bpe', bpeVocab: 2000 }, active, place);
    assert.deepEqual(bpe.trainTokenizer, { vocabSize: 2000 });
    assert.equal(bpe.model.vocab_size, 2000);
    const custom = gptOnly(modelConfig({ ...DEFAULT_SETTINGS, model: 'custom', nLayer: 3, nHead: 6, nEmbd: 96, nPositions: 64 }, active), 'a custom size');
    assert.deepEqual([custom.n_layer, custom.n_head, custom.n_embd, custom.n_positions], [3, 6, 96, 64]);
    const epochs = trainOptionsFrom({ ...DEFAULT_SETTINGS, lengthUnit: 'epochs', epochs: 2.5 }, active, place);
    assert.equal(epochs.epochs, 2.5);
    const continued = trainOptionsFrom({ ...DEFAULT_SETTINGS, model: 'continue', tokenizer: 'bpe' }, active, place);
    assert.equal(continued.baseModel, active.folder);
    assert.equal(continued.tokenizerPath, active.folder, 'continuing keeps the model’s own tokenizer');
    assert.equal(continued.trainTokenizer, undefined);
    assert.equal(continued.model, active.config);
  });

  it('the Llama-style architecture: RMSNorm, RoPE, SwiGLU and GQA at the preset size, with about as many parameters as GPT-2', () => {
    const settings = { ...DEFAULT_SETTINGS, architecture: 'llama' as const, preset: 'small' as const };
    const o = trainOptionsFrom(settings, active, place);
    assert.ok(isLlamaConfig(o.model));
    const m = o.model;
    assert.deepEqual([m.model_type, m.num_hidden_layers, m.hidden_size, m.num_attention_heads, m.num_key_value_heads, m.intermediate_size, m.max_position_embeddings, m.vocab_size, m.tie_word_embeddings],
      ['llama', 4, 128, 4, 2, 384, 256, 4096, true]);
    assert.doesNotThrow(() => checkTrainOptions(o));
    for (const view of presetViews(settings, active)) {
      const { gpt2, llama } = view.figures;
      assert.equal(llama.parameters, totalParameters(modelConfig({ ...settings, preset: view.name }, active)));
      const ratio = llama.parameters / gpt2.parameters;
      assert.ok(ratio > 0.9 && ratio < 1, `${view.name}: the Llama has ${llama.parameters} parameters against GPT-2's ${gpt2.parameters}`);
    }
  });

  it('what cannot work is refused by the engine, naming the setting and the figures', () => {
    assert.throws(() => checkTrainOptions(trainOptionsFrom({ ...DEFAULT_SETTINGS, contextLength: 512 }, active, place)), /context length 512 exceeds the model's n_positions 128/);
    assert.throws(() => checkTrainOptions(trainOptionsFrom({ ...DEFAULT_SETTINGS, model: 'custom', nEmbd: 100, nHead: 3 }, active, place)), /n_embd \(100\) must be a multiple of n_head \(3\)/);
  });

  it('lists each preset with its parameters for the chosen tokenizer', () => {
    const views = presetViews(DEFAULT_SETTINGS, active);
    assert.deepEqual(views.map((v) => v.name), ['tiny', 'small', 'medium']);
    assert.equal(views[1].figures.gpt2.parameters, parameterCount(active.config).total, 'small is the bundled model’s shape');
    assert.ok(views.every((v, i) => i === 0 || v.figures.gpt2.parameters > views[i - 1].figures.gpt2.parameters));
  });
});

describe('training panel: the run view', () => {
  const options = trainOptionsFrom({ ...DEFAULT_SETTINGS, steps: 5000 }, active, place);
  const progress = (step: number, validationLoss?: number): TrainEvent => ({
    type: 'progress', step, totalSteps: 5000, epoch: step / 100, loss: 10 - step / 1000, validationLoss, learningRate: 1e-3,
    gradNorm: 1, layerGradNorms: [0.5, 0.5], tokensPerSecond: 1000, mfu: 0.2, etaSeconds: 10,
  });

  it('keeps at most 2000 points, every validation point, and the newest half whole', () => {
    const builder = new RunViewBuilder('/runs/one', 'stories.txt', options, 'running');
    for (let step = 1; step <= 5000; step++) builder.apply(progress(step, step % 100 === 0 ? 5 : undefined));
    const view = builder.view();
    assert.ok(view.points.length <= 2000, `${view.points.length} points`);
    assert.equal(view.points.filter((p) => p.validationLoss !== undefined).length, 50);
    assert.deepEqual(view.points.slice(-500).map((p) => p.step), Array.from({ length: 500 }, (_, i) => 4501 + i));
    assert.equal(view.step, 5000);
    assert.equal(view.mfu, 0.2);
  });

  it('draws the schedule the trainer follows: warm-up to the peak, cosine to a tenth at the last step', () => {
    const view = new RunViewBuilder('/runs/one', 'stories.txt', options, 'running').view();
    const peak = Math.max(...view.schedule.map((p) => p[1]));
    assert.equal(peak, options.learningRate);
    assert.equal(view.schedule.at(-1)?.[0], 5000);
    assert.ok(Math.abs((view.schedule.at(-1)?.[1] ?? 0) - 0.1 * options.learningRate) < 1e-12);
  });

  it('keeps the last 20 samples and the newest checkpoint of each kind', () => {
    const builder = new RunViewBuilder('/runs/one', 'stories.txt', options, 'running');
    for (let step = 1; step <= 25; step++) builder.apply({ type: 'sample', step, prompt: 'Once', text: ` ${step}` });
    builder.apply({ type: 'checkpoint', step: 10, folder: '/runs/one/last', best: false });
    builder.apply({ type: 'checkpoint', step: 20, folder: '/runs/one/last', best: false });
    builder.apply({ type: 'checkpoint', step: 15, folder: '/runs/one/best', best: true, validationLoss: 3 });
    const view = builder.view();
    assert.deepEqual(view.samples.map((s) => s.step), Array.from({ length: 20 }, (_, i) => 6 + i));
    assert.deepEqual(view.checkpoints, [
      { which: 'last', folder: '/runs/one/last', step: 20, validationLoss: undefined },
      { which: 'best', folder: '/runs/one/best', step: 15, validationLoss: 3 },
    ]);
  });
});

describe('training run folder', () => {
  it('run.json round-trips, foreign JSON is not taken for one, and the card reports the run', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-record-'));
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(byteTokenizerJson()));
    fs.writeFileSync(path.join(dir, 'data.txt'), 'The cat sat on the mat. The dog ran in the sun.\n'.repeat(30));
    const runFolder = path.join(dir, runFolderName('data.txt', new Date('2026-12-02T04:15:30Z')));
    assert.equal(path.basename(runFolder), '20261202-041530-data-txt');
    const settings = { ...DEFAULT_SETTINGS, model: 'custom' as const, nLayer: 1, nHead: 2, nEmbd: 16, nPositions: 32, contextLength: 32, batchSize: 4, steps: 20, evalEvery: 5, sampleEvery: 0 };
    const options = { ...trainOptionsFrom(settings, { folder: dir, config: { ...active.config, vocab_size: 257 } }, { dataPath: path.join(dir, 'data.txt'), outDir: runFolder, byteTokenizerPath: '' }), threads: 1 };
    const record = { created: '2026-12-02T04:15:30Z', dataLabel: 'data.txt', options, state: 'finished' as const };
    await train(options);
    writeRunRecord(runFolder, record);
    assert.deepEqual(readRunRecord(runFolder), JSON.parse(JSON.stringify({ format: 'llm-pipeline-lab/training-run', ...record })));
    fs.writeFileSync(path.join(dir, 'run.json'), '{"format": "something else"}');
    assert.equal(readRunRecord(dir), undefined);
    writeRunCard(runFolder, readRunRecord(runFolder)!);
    const card = fs.readFileSync(path.join(runFolder, 'README.md'), 'utf8');
    assert.match(card, /1 layers, 2 heads, 16 dimensions, 32 positions, vocabulary 257/);
    assert.match(card, /\| steps \| 20 of 20 \|/);
    assert.match(card, /best validation loss \d\.\d{4} at step \d+ \(kept in `best\/`\)/);
    assert.match(fs.readFileSync(path.join(runFolder, 'loss.svg'), 'utf8'), /^<svg xmlns/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a second run on the same data in the same second gets a folder of its own', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-folder-'));
    const now = new Date('2026-12-02T04:15:30.100Z');
    const first = freeRunFolder(dir, 'data.txt', now);
    assert.equal(path.basename(first), '20261202-041530-data-txt');
    fs.mkdirSync(first);
    const second = freeRunFolder(dir, 'data.txt', new Date('2026-12-02T04:15:30.900Z'));
    assert.equal(path.basename(second), '20261202-041530-data-txt-2');
    fs.mkdirSync(second);
    assert.equal(path.basename(freeRunFolder(dir, 'data.txt', now)), '20261202-041530-data-txt-3');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
