// A DPO run end to end on a tiny model with the bundled tokenizer: full fine-tuning and LoRA both
// lower the loss on their pairs, report the preference measurements, and leave a checkpoint that
// loads as a model folder carrying the chat template.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GPTConfig } from '../../extension/engine/gpt/config';
import { randomWeights } from '../../extension/engine/gpt/randomWeights';
import { readModelFolder } from '../../extension/engine/modelFolder/readModelFolder';
import { writeModelFolder } from '../../extension/engine/modelFolder/writeModelFolder';
import { loadTokenizerFile } from '../../extension/engine/tokenizer/loadTokenizerFile';
import { readTrainingState } from '../../extension/engine/train/checkpoint';
import { defaultTrainOptions } from '../../extension/engine/train/options';
import type { ProgressEvent, TrainEvent } from '../../extension/engine/train/protocol';
import { runTraining } from '../../extension/engine/train/runObjective';
import { makeTempDir, removeTempDir } from './modelFolderFixtures';

const BUNDLED = path.join(__dirname, '..', '..', 'models', 'tinystories-1m');

describe('DPO training run', function () {
  this.timeout(300_000);
  let dir: string;
  let base: string;
  let pairs: string;
  const config: GPTConfig = { n_layer: 1, n_head: 2, n_embd: 16, n_positions: 32, vocab_size: 4096, layer_norm_epsilon: 1e-5 };

  before(async () => {
    dir = makeTempDir('dpo-run-');
    base = path.join(dir, 'base');
    const tokenizer = await loadTokenizerFile(BUNDLED);
    writeModelFolder(base, { config, weights: randomWeights(config, 1), tokenizerJson: tokenizer.tokenizerJson, chatTemplate: tokenizer.config.chat_template as string });
    pairs = path.join(dir, 'pairs.jsonl');
    const lines = [
      { prompt: 'Write a story that uses the words: dog, ball, sun.', chosen: 'The dog played with a ball in the sun.', rejected: 'A cat slept all day.' },
      { prompt: 'Write a story that uses the words: tree, bird, sing.', chosen: 'A bird in the tree began to sing.', rejected: 'The boat sank.' },
      { prompt: 'Write a story that uses the words: cake, mom, happy.', chosen: 'Mom made a cake and was happy.', rejected: 'It rained.' },
      { prompt: 'Write a story that uses the words: car, red, fast.', chosen: 'The red car went fast.', rejected: 'The red car went fast.' },
    ];
    fs.writeFileSync(pairs, lines.map((l) => JSON.stringify(l)).join('\n'));
  });
  after(() => removeTempDir(dir));

  for (const lora of [undefined, { rank: 2, alpha: 4, targets: ['attn.c_attn', 'mlp.c_fc'] }]) {
    it(`${lora ? 'LoRA' : 'full fine-tuning'}: the DPO loss falls, rewards and KL are reported, the checkpoint loads`, async () => {
      const out = path.join(dir, lora ? 'lora' : 'full');
      const events: TrainEvent[] = [];
      const options = {
        ...defaultTrainOptions({ dataPath: pairs, tokenizerPath: base, outDir: out, model: config }),
        objective: { kind: 'dpo' as const, beta: 0.5 }, baseModel: base, lora, validationPath: pairs,
        steps: 12, batchSize: 3, contextLength: 32, learningRate: lora ? 2e-2 : 5e-3, warmupSteps: 0, evalEvery: 12, checkpointEvery: 0, threads: 1,
      };
      await runTraining(options, { onEvent: (e) => events.push(e) });
      const started = events.find((e) => e.type === 'started');
      assert.ok(started?.type === 'started' && started.notes?.some((n) => n.includes('line 4 skipped: chosen equals rejected')));
      const progress = events.filter((e): e is ProgressEvent => e.type === 'progress');
      assert.equal(progress.length, 12);
      assert.ok(Math.abs(progress[0].loss - Math.log(2)) < 1e-3, `the first step starts at log 2 (policy = reference), got ${progress[0].loss}`);
      const heldOut = progress.at(-1)?.preference?.heldOut;
      assert.ok(heldOut, 'held-out measurements at the last step');
      assert.ok(heldOut.loss < Math.log(2) - 0.05, `held-out DPO loss ${heldOut.loss}`);
      assert.equal(heldOut.accuracy, 1);
      assert.ok(heldOut.margin > 0, `margin ${heldOut.margin}`);
      assert.ok(Math.abs(heldOut.chosenReward - heldOut.rejectedReward - heldOut.margin) < 1e-9);
      assert.ok(heldOut.kl > 0);
      // The checkpoint keeps every step's measurements, so the panel can redraw the curves after a reload.
      assert.deepEqual(readTrainingState(path.join(out, 'last')).state.history.map((h) => h.preference), progress.map((p) => p.preference));
      const folder = readModelFolder(path.join(out, 'last'));
      assert.ok(folder.gpt2 && folder.safetensorsFile);
      assert.equal((await loadTokenizerFile(path.join(out, 'last'))).config.chat_template, (await loadTokenizerFile(base)).config.chat_template);
    });
  }
});
