// The trainer end to end on tiny models: it overfits a short text, and a run cancelled and resumed
// from its checkpoint follows exactly the loss trajectory of an uninterrupted run.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readModelFolder } from '../../extension/engine/modelFolder/readModelFolder';
import { byteTokenizerJson } from '../../extension/engine/train/byteTokenizer';
import { checkTrainOptions, defaultTrainOptions, type TrainOptions } from '../../extension/engine/train/options';
import type { ProgressEvent, TrainEvent } from '../../extension/engine/train/protocol';
import { lastFolder } from '../../extension/engine/train/runSetup';
import { train } from '../../extension/engine/train/trainer';
import { loadCheckpoint } from '../../extension/engine/train/checkpoint';
import { buildLossGraph, buildTrainingGraph } from '../../extension/engine/train/trainingGraph';
import { OnnxModel } from '../../extension/engine/onnx/reader';
import { llamaLike } from '../../extension/engine/train/trainableConfig';

const TEXT = 'The quick brown fox jumps over the lazy dog. A bird sings in the tall tree by the river.\n';

function setup(): { dir: string; base: TrainOptions } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'train-loop-'));
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(byteTokenizerJson()));
  fs.writeFileSync(path.join(dir, 'data.txt'), TEXT.repeat(3));
  const model = { n_layer: 2, n_head: 2, n_embd: 32, n_positions: 32, vocab_size: 257, layer_norm_epsilon: 1e-5 };
  const base = {
    ...defaultTrainOptions({ dataPath: path.join(dir, 'data.txt'), tokenizerPath: path.join(dir, 'tokenizer.json'), outDir: path.join(dir, 'out'), model }),
    batchSize: 4, contextLength: 32, warmupSteps: 5, evalEvery: 0, sampleEvery: 0, checkpointEvery: 0, validationFraction: 0, threads: 1,
  };
  return { dir, base };
}

describe('trainer', () => {
  it('overfits a short text to near-zero loss and writes a loadable model folder', async () => {
    const { dir, base } = setup();
    // With the blank line the loader appends, exactly one window of T + 1 = 65 tokens: every
    // sequence is this text, so it can be memorized.
    const text = TEXT.slice(0, 63);
    fs.writeFileSync(base.dataPath, text);
    const model = { ...base.model, n_positions: 64 };
    const events: TrainEvent[] = [];
    const done = await train({ ...base, model, contextLength: 64, steps: 150, learningRate: 1e-2, sampleEvery: 150, sampleTokens: 30, sampleTemperature: 0, samplePrompt: 'The quick' }, { onEvent: (e) => events.push(e) });
    assert.ok(done.finalLoss < 0.1, `final loss ${done.finalLoss}`);
    const progress = events.filter((e): e is ProgressEvent => e.type === 'progress');
    assert.ok(progress[0].loss > 4, `first loss ${progress[0].loss} should be near ln 257 ≈ 5.5`);
    const sample = events.find((e) => e.type === 'sample');
    assert.ok(sample && sample.type === 'sample' && sample.text.startsWith(' brown fox'), `greedy sample: ${JSON.stringify(sample)}`);
    const folder = readModelFolder(lastFolder(base.outDir));
    assert.equal(folder.kind, 'gpt2');
    fs.rmSync(dir, { recursive: true });
  });

  it('resuming from a checkpoint continues the exact loss trajectory of an uninterrupted run', async () => {
    const { dir, base } = setup();
    const options = { ...base, steps: 12, validationFraction: 0.2, evalEvery: 4, validationBatches: 2, threads: 2 };
    const straight = await collectLosses({ ...options, outDir: path.join(dir, 'straight') });

    const controller = new AbortController();
    const split = { ...options, outDir: path.join(dir, 'split'), checkpointEvery: 5 };
    const first = await train(split, { signal: controller.signal, onEvent: (e) => e.type === 'checkpoint' && e.step === 5 && controller.abort() });
    assert.equal(first.cancelled, true);
    assert.equal(loadCheckpoint(lastFolder(split.outDir)).state.step, 5);
    const resumed = await collectLosses({ ...split, resume: true });
    assert.deepEqual([...resumed.keys()], [6, 7, 8, 9, 10, 11, 12]);
    for (const [step, loss] of resumed) assert.equal(loss, straight.get(step), `step ${step}`);
    fs.rmSync(dir, { recursive: true });
  });
  it('dropout: the step graph drops activations after the embeddings and in every block, validation does not, and the model still learns', async () => {
    const { dir, base } = setup();
    const config = base.model as { n_layer: number };
    const graphOptions = { config: base.model, batchSize: 2, contextLength: 16, optimizer: base.optimizer, dropout: { ratio: 0.1, seed: 3 } };
    const dropouts = (bytes: Uint8Array) => OnnxModel.fromBytes(bytes).nodes().filter((n) => n.opType === 'Dropout').length;
    assert.equal(dropouts(buildTrainingGraph(graphOptions).bytes), 1 + 2 * config.n_layer);
    assert.equal(dropouts(buildLossGraph(graphOptions)), 0);

    const done = await train({ ...base, steps: 60, learningRate: 1e-2, dropout: 0.1 }, { onEvent: () => {} });
    assert.ok(done.finalLoss < 3, `final loss ${done.finalLoss} (ln 257 ≈ 5.5 at the start)`);
    assert.throws(() => checkTrainOptions({ ...base, dropout: 1 }), /dropout must be in \[0, 1\)/);
    assert.throws(() => checkTrainOptions({ ...base, model: llamaLike(base.model as never, 257), dropout: 0.1 }), /dropout applies to GPT-2 models/);
    fs.rmSync(dir, { recursive: true });
  });
});

async function collectLosses(options: TrainOptions): Promise<Map<number, number>> {
  await train(options);
  const history = loadCheckpoint(lastFolder(options.outDir)).state.history;
  return new Map(history.filter((h) => !options.resume || h.step > 5).map((h) => [h.step, h.loss]));
}
