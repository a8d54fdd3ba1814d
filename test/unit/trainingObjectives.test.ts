// SFT and DPO in the training panel, the parts that need no VS Code: the form's objective turned
// into the engine's options, the run view keeping a DPO run's measurements, and the data preview
// the panel draws (the first conversation's tokens and loss mask on the bundled tokenizer, checked
// against the rendered text itself).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkTrainOptions } from '../../extension/engine/train/options';
import { previewInstructionData } from '../../extension/engine/train/instruct/dataPreview';
import type { TrainEvent } from '../../extension/engine/train/protocol';
import { DEFAULT_SETTINGS, OBJECTIVE_DEFAULTS, trainOptionsFrom } from '../../extension/train/runOptions';
import { RunViewBuilder } from '../../extension/train/runView';
import { makeTempDir, removeTempDir } from './modelFolderFixtures';

const BUNDLED = path.join(__dirname, '..', '..', 'models', 'tinystories-1m');
const active = { folder: '/models/bundled', config: { n_layer: 4, n_head: 4, n_embd: 128, n_positions: 256, vocab_size: 4096, layer_norm_epsilon: 1e-5 } };
const place = { dataPath: '/data/chat.jsonl', validationPath: '/data/heldout.jsonl', outDir: '/runs/one', byteTokenizerPath: '/runs/one/byte-tokenizer/tokenizer.json' };

describe('training panel: SFT and DPO settings → options', () => {
  it('SFT fine-tunes the active model with its tokenizer, whatever the model choice says; the mask option reaches the engine', () => {
    const o = trainOptionsFrom({ ...DEFAULT_SETTINGS, ...OBJECTIVE_DEFAULTS.sft, objective: 'sft', model: 'preset', tokenizer: 'bytes', allTokens: true }, active, place);
    assert.deepEqual(o.objective, { kind: 'sft', allTokens: true });
    assert.equal(o.baseModel, active.folder);
    assert.equal(o.tokenizerPath, active.folder);
    assert.equal(o.model, active.config);
    assert.equal(o.validationPath, place.validationPath);
    assert.deepEqual([o.learningRate, o.batchSize, o.contextLength, o.steps], [1e-3, 8, 192, 300]);
    assert.doesNotThrow(() => checkTrainOptions(o));
  });

  it('DPO carries β, counts steps only, and takes LoRA on the active model', () => {
    const o = trainOptionsFrom({ ...DEFAULT_SETTINGS, objective: 'dpo', dpoBeta: 0.25, lengthUnit: 'epochs', epochs: 3, lora: true, loraRank: 4 }, active, place);
    assert.deepEqual(o.objective, { kind: 'dpo', beta: 0.25 });
    assert.equal(o.epochs, undefined);
    assert.equal(o.lora?.rank, 4);
    assert.equal(o.baseModel, active.folder);
    const plain = trainOptionsFrom({ ...DEFAULT_SETTINGS, lora: true }, active, place);
    assert.deepEqual([plain.objective, plain.lora, plain.baseModel], [{ kind: 'text' }, undefined, undefined], 'pretraining a new model takes no LoRA');
  });
});

describe('training panel: a DPO run view', () => {
  it('keeps each step’s preference measurements, the held-out ones where measured, and the loader’s notes', () => {
    const options = trainOptionsFrom({ ...DEFAULT_SETTINGS, objective: 'dpo', steps: 4 }, active, place);
    const builder = new RunViewBuilder('/runs/one', 'pairs.jsonl', options, 'running');
    builder.apply({ type: 'started', architecture: 'gpt2', step: 0, totalSteps: 4, parameters: 10, trainableParameters: 10, flopsPerToken: 1, peakFlops: 1, trainTokens: 5, validationTokens: 2, stepsPerEpoch: 2, layers: [], history: [], notes: ['pairs.jsonl: line 3 skipped: chosen equals rejected'] });
    const heldOut = { pairs: 2, loss: 0.6, accuracy: 1, chosenReward: -0.5, rejectedReward: -1.5, margin: 1, kl: 0.01 };
    for (let step = 1; step <= 4; step++) {
      const event: TrainEvent = {
        type: 'progress', step, totalSteps: 4, epoch: step / 2, loss: 0.7 - step / 100, learningRate: 1e-4, gradNorm: 1, layerGradNorms: [], tokensPerSecond: 1, mfu: 0, etaSeconds: 0,
        ...(step % 2 === 0 ? { validationLoss: heldOut.loss } : {}),
        preference: { trainAccuracy: step / 4, trainMargin: step, ...(step % 2 === 0 ? { heldOut } : {}) },
      };
      builder.apply(event);
    }
    const view = builder.view();
    assert.equal(view.objective, 'dpo');
    assert.deepEqual(view.notes, ['pairs.jsonl: line 3 skipped: chosen equals rejected']);
    assert.deepEqual(view.points.map((p) => p.preference?.trainAccuracy), [0.25, 0.5, 0.75, 1]);
    assert.deepEqual(view.points.map((p) => p.preference?.heldOut?.kl), [undefined, 0.01, undefined, 0.01]);

    // After a window reload the run is rebuilt from its checkpoint's history: the same curves come back.
    const restored = new RunViewBuilder('/runs/one', 'pairs.jsonl', options, 'finished');
    restored.restoreHistory(view.points.map(({ step, loss, validationLoss, preference }) => ({ step, loss, validationLoss, preference })), 4);
    assert.deepEqual(restored.view().points.map((p) => p.preference), view.points.map((p) => p.preference));
  });
});

describe('training panel: the SFT and DPO data preview', () => {
  let dir: string;
  before(() => {
    dir = makeTempDir('instruct-preview-');
  });
  after(() => removeTempDir(dir));
  const write = (name: string, lines: readonly unknown[]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`);
    return file;
  };
  const optionsFor = (dataPath: string, objective: NonNullable<ReturnType<typeof trainOptionsFrom>['objective']>) =>
    ({ ...trainOptionsFrom(DEFAULT_SETTINGS, active, { ...place, dataPath }), tokenizerPath: BUNDLED, contextLength: 192, objective });
  const chat = (user: string, assistant: string) => ({ messages: [{ role: 'user', content: user }, { role: 'assistant', content: assistant }] });

  it('SFT: the tokens spell the rendered conversation, and exactly the answer and its end token are in the loss', async () => {
    const answer = 'Once upon a time, a dog found a ball in the sun.';
    const file = write('chat.jsonl', [chat('Write a story that uses the words: dog, ball, sun.', answer), chat('Hi.', 'Hello.')]);
    const preview = await previewInstructionData(optionsFor(file, { kind: 'sft', allTokens: false }));
    assert.ok(preview.kind === 'sft');
    assert.equal(preview.conversations, 2);
    assert.equal(preview.line, 1);
    const text = (tokens: typeof preview.tokens) => tokens.map((k) => k.text).join('');
    assert.equal(text(preview.tokens), `<|endoftext|>User: Write a story that uses the words: dog, ball, sun.\nAssistant: ${answer}<|endoftext|>`);
    assert.equal(text(preview.tokens.filter((k) => k.inLoss)), ` ${answer}<|endoftext|>`);
    const all = await previewInstructionData(optionsFor(file, { kind: 'sft', allTokens: true }));
    assert.ok(all.kind === 'sft' && all.tokens.every((k) => k.inLoss));
  });

  it('names the bad lines of the file by number', async () => {
    const file = write('bad.jsonl', [chat('Hi.', 'Hello.'), '{"messages": [', { messages: [{ role: 'user', content: 'no answer' }] }]);
    await assert.rejects(previewInstructionData(optionsFor(file, { kind: 'sft', allTokens: false })), /bad\.jsonl: 2 bad line\(s\), the file is refused: line 2: not JSON .*; line 3: the conversation has no assistant turn/);
  });

  it('DPO: counts the pairs and says which were skipped', async () => {
    const file = write('pairs.jsonl', [{ prompt: 'Write.', chosen: 'A dog.', rejected: 'A cat.' }, { prompt: 'Write.', chosen: 'Same.', rejected: 'Same.' }]);
    const preview = await previewInstructionData(optionsFor(file, { kind: 'dpo', beta: 0.1 }));
    assert.deepEqual(preview, { kind: 'dpo', pairs: 1, skipped: ['line 2: chosen equals rejected, so the pair states no preference'] });
  });
});
