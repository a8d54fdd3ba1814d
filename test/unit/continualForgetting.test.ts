// Forgetting, measured on a tiny model: trained on one text, fine-tuned on another. Without replay
// its loss on the first text rises; with half of each batch replayed from the first text it
// rises less. Both fine-tunings start from the same base, so their first points agree.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { measureForgetting } from '../../extension/engine/continualLearning/forgetting';
import { byteTokenizerJson } from '../../extension/engine/train/byteTokenizer';
import { defaultTrainOptions } from '../../extension/engine/train/options';
import { lastFolder } from '../../extension/engine/train/runSetup';
import { train } from '../../extension/engine/train/trainer';

const OLD = 'The cat sat on the mat and looked at the little red ball. ';
const NEW = 'ROMEO: What light through yonder window breaks? It is the east. ';

describe('continual learning: forgetting curves', () => {
  it('fine-tuning on new text raises the old-domain loss, and replay of old text keeps it lower', async function () {
    this.timeout(300_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forgetting-'));
    const write = (name: string, text: string) => {
      fs.writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    };
    const tokenizer = write('tokenizer.json', JSON.stringify(byteTokenizerJson()));
    const oldText = write('old.txt', OLD.repeat(40));
    const model = { n_layer: 1, n_head: 2, n_embd: 32, n_positions: 32, vocab_size: 257, layer_norm_epsilon: 1e-5 };
    const base = { ...defaultTrainOptions({ dataPath: oldText, tokenizerPath: tokenizer, outDir: path.join(dir, 'base'), model }), steps: 150, batchSize: 8, contextLength: 32, learningRate: 1e-2, evalEvery: 0, sampleEvery: 0, checkpointEvery: 0, threads: 1 };
    await train(base);

    const curves = await measureForgetting({
      baseModel: lastFolder(base.outDir), newData: write('new.txt', NEW.repeat(40)), replayData: oldText, oldValidation: write('old-valid.txt', OLD.repeat(4)),
      replayRatios: [0, 0.5], steps: 40, batchSize: 8, contextLength: 32, learningRate: 1e-2, evalEvery: 10, validationBatches: 2, workDir: path.join(dir, 'work'), threads: 1,
    });
    const [plain, replay] = curves;
    assert.deepEqual(plain.points.map((p) => p.step), [0, 10, 20, 30, 40]);
    assert.equal(replay.replayRows, 4);
    assert.equal(plain.points[0].oldLoss, replay.points[0].oldLoss, 'both start from the same base weights');
    const end = (c: typeof plain) => c.points[c.points.length - 1];
    assert.ok(end(plain).oldLoss > plain.points[0].oldLoss + 0.5, `old loss ${plain.points[0].oldLoss} → ${end(plain).oldLoss} without replay`);
    assert.ok(end(replay).oldLoss < end(plain).oldLoss, `with replay ${end(replay).oldLoss}, without ${end(plain).oldLoss}`);
    assert.ok(end(plain).newLoss < plain.points[0].newLoss && end(replay).newLoss < replay.points[0].newLoss, 'both learn the new text');
    await assert.rejects(measureForgetting({ ...{ baseModel: 'x', newData: 'x', replayData: 'x', oldValidation: 'x', steps: 1, batchSize: 1, contextLength: 1, learningRate: 1, evalEvery: 1, validationBatches: 1, workDir: dir }, replayRatios: [1.5] }), /replay ratio is a fraction/);
    fs.rmSync(dir, { recursive: true });
  });
});
