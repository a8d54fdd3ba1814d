// LoRA in the training panel: the form's LoRA settings turned into TrainOptions, the messages that
// carry them checked by the protocol, and the estimate's trainable count and adapter size set
// against r·(in + out) per matrix and against the adapter/ folder a real run then writes.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parameterCount } from '../../extension/engine/gpt/sizes';
import { randomWeights } from '../../extension/engine/gpt/randomWeights';
import { adapterSizeOnDisk } from '../../extension/engine/lora/peftAdapter';
import { writeModelFolder } from '../../extension/engine/modelFolder/writeModelFolder';
import { byteTokenizerJson } from '../../extension/engine/train/byteTokenizer';
import { ADAPTER_FOLDER } from '../../extension/engine/train/checkpoint';
import { estimateTraining } from '../../extension/engine/train/estimate';
import { LORA_TARGETS } from '../../extension/engine/train/lora';
import { checkTrainOptions } from '../../extension/engine/train/options';
import { lastFolder } from '../../extension/engine/train/runSetup';
import { train } from '../../extension/engine/train/trainer';
import { DEFAULT_SETTINGS, trainOptionsFrom } from '../../extension/train/runOptions';
import { trainableShare } from '../../webviews/training/format';
import { isTrainingRequest, LORA_TARGET_CHOICES } from '../../webviews/training/protocol';

const config = { n_layer: 2, n_head: 2, n_embd: 16, n_positions: 32, vocab_size: 257, layer_norm_epsilon: 1e-5 };

describe('training panel: LoRA', () => {
  const place = { dataPath: '/data/stories.txt', outDir: '/runs/one', byteTokenizerPath: '/runs/one/byte-tokenizer/tokenizer.json' };
  const active = { folder: '/models/bundled', config };

  it('offers exactly the matrices the engine can adapt', () => {
    assert.deepEqual([...LORA_TARGET_CHOICES], [...LORA_TARGETS]);
  });

  it('asks for LoRA only when continuing the active model, with the form’s rank, alpha and matrices', () => {
    const settings = { ...DEFAULT_SETTINGS, model: 'continue' as const, contextLength: 32, lora: true, loraRank: 4, loraAlpha: 8, loraTargets: ['attn.c_attn' as const, 'mlp.c_fc' as const] };
    const o = trainOptionsFrom(settings, active, place);
    assert.deepEqual(o.lora, { rank: 4, alpha: 8, targets: ['attn.c_attn', 'mlp.c_fc'] });
    assert.equal(o.baseModel, active.folder);
    assert.doesNotThrow(() => checkTrainOptions(o));
    assert.equal(trainOptionsFrom({ ...settings, lora: false }, active, place).lora, undefined, 'LoRA off: full fine-tuning');
    assert.equal(trainOptionsFrom({ ...settings, model: 'preset' }, active, place).lora, undefined, 'a new model has nothing to adapt');
  });

  it('the protocol takes LoRA settings in range, refuses the rest, and restores forms saved without them', () => {
    const start = (settings: object) => ({ type: 'start', payload: { settings: { ...DEFAULT_SETTINGS, model: 'continue', ...settings } } });
    assert.ok(isTrainingRequest(start({ lora: true, loraRank: 16, loraAlpha: 32, loraTargets: ['mlp.c_proj'] })));
    assert.ok(!isTrainingRequest(start({ lora: true, loraTargets: [] })), 'no matrix to adapt');
    assert.ok(!isTrainingRequest(start({ lora: true, loraTargets: ['attn.q_proj'] })), 'a matrix GPT-2 does not have');
    assert.ok(!isTrainingRequest(start({ lora: true, loraRank: 0 })), 'rank 0');
    assert.ok(!isTrainingRequest(start({ lora: true, loraRank: 2.5 })), 'a fractional rank');
    assert.ok(!isTrainingRequest(start({ lora: 'yes' })));
    const { lora: _l, loraRank: _r, loraAlpha: _a, loraTargets: _t, ...older } = DEFAULT_SETTINGS;
    assert.ok(isTrainingRequest({ type: 'ready', payload: { state: { settings: older, logScale: false } } }), 'a form saved before LoRA still restores');
  });

  it('writes the trainable share as a percentage', () => {
    assert.equal(trainableShare(65_536, 1_351_936), '4.85%');
    assert.equal(trainableShare(1, 4), '25.0%');
    assert.equal(trainableShare(12, 100_000), '0.0120%');
  });
});

describe('training estimate under LoRA', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'train-lora-'));
    writeModelFolder(path.join(dir, 'base'), { config, weights: randomWeights(config, 5), tokenizerJson: byteTokenizerJson() });
    fs.writeFileSync(path.join(dir, 'data.txt'), 'The little boat sailed past the lighthouse. '.repeat(20));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('counts r·(in + out) trainable numbers per matrix, and the adapter’s bytes as the run then writes them', async () => {
    const settings = { ...DEFAULT_SETTINGS, model: 'continue' as const, lora: true, loraRank: 4, loraAlpha: 8, loraTargets: ['attn.c_attn' as const, 'mlp.c_proj' as const] };
    const active = { folder: path.join(dir, 'base'), config };
    const optionsIn = (outDir: string) => ({
      ...trainOptionsFrom({ ...settings, steps: 2, batchSize: 2, contextLength: 32, evalEvery: 0, sampleEvery: 0, validationFraction: 0 }, active, {
        dataPath: path.join(dir, 'data.txt'), outDir, byteTokenizerPath: '',
      }),
      threads: 1,
    });
    const estimate = await estimateTraining(optionsIn(path.join(dir, 'estimate')));
    // Per layer: c_attn is [16, 48], mlp.c_proj is [64, 16]; each adds r·(in + out).
    const perLayer = 4 * (16 + 48) + 4 * (64 + 16);
    assert.equal(estimate.trainableParameters, config.n_layer * perLayer);
    assert.equal(estimate.parameters, parameterCount(config).total);

    await train(optionsIn(path.join(dir, 'run')));
    const written = adapterSizeOnDisk(path.join(lastFolder(path.join(dir, 'run')), ADAPTER_FOLDER));
    assert.equal(estimate.adapterBytes, written);
  });
});
