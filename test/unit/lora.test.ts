// LoRA fine-tuning: only the adapters learn and carry optimizer state, the frozen weights stay
// bit-identical, and the merged export equals W + (α/r)·A·B computed here (W is [in, out], so the
// update A [in, r] · B [r, out] has W's shape), whose loss through the TypeScript reference forward
// equals the training graph's loss with the adapters overlaid.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { randomWeights } from '../../extension/engine/gpt/randomWeights';
import { referenceForward } from '../../extension/engine/gpt/referenceForward';
import type { TensorMap } from '../../extension/engine/gpt/tensor';
import { writeModelFolder } from '../../extension/engine/modelFolder/writeModelFolder';
import { byteTokenizerJson } from '../../extension/engine/train/byteTokenizer';
import { loadCheckpoint } from '../../extension/engine/train/checkpoint';
import { adapterA, adapterB, loraOverlay, loraTargets, mergeAdapters } from '../../extension/engine/train/lora';
import { defaultTrainOptions } from '../../extension/engine/train/options';
import { lastFolder } from '../../extension/engine/train/runSetup';
import { train } from '../../extension/engine/train/trainer';
import { buildLossGraph } from '../../extension/engine/train/trainingGraph';

const config = { n_layer: 2, n_head: 2, n_embd: 16, n_positions: 16, vocab_size: 257, layer_norm_epsilon: 1e-5 };
const lora = { rank: 2, alpha: 4, targets: ['attn.c_attn', 'mlp.c_fc'] };

/** W + (α/r)·A·B for every target, each entry the sum over the rank written out. */
function mergedByHand(base: TensorMap, adapters: ReadonlyMap<string, Float32Array>, targets: readonly string[]): TensorMap {
  const merged: TensorMap = new Map(base);
  for (const name of targets) {
    const { dims: [rows, cols], data: w } = base.get(name) as { dims: readonly number[]; data: Float32Array };
    const [a, b] = [adapters.get(adapterA(name)) as Float32Array, adapters.get(adapterB(name)) as Float32Array];
    const out = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        let update = 0;
        for (let k = 0; k < lora.rank; k++) update += a[i * lora.rank + k] * b[k * cols + j];
        out[i * cols + j] = w[i * cols + j] + (lora.alpha / lora.rank) * update;
      }
    }
    merged.set(name, { dims: [rows, cols], data: out });
  }
  return merged;
}

/** Mean cross-entropy of next-token prediction over ids[0..16) → ids[1..17), by the reference forward. */
function referenceLoss(weights: TensorMap, ids: readonly number[]): number {
  const { logits } = referenceForward(config, weights, ids.slice(0, 16));
  const V = config.vocab_size;
  let sum = 0;
  for (let t = 0; t < 16; t++) {
    const row = logits.subarray(t * V, (t + 1) * V);
    const max = Math.max(...row);
    const logSumExp = max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
    sum += logSumExp - row[ids[t + 1]];
  }
  return sum / 16;
}

async function lossOf(bytes: Uint8Array, params: ReadonlyMap<string, { dims: readonly number[]; data: Float32Array }>, ids: bigint[]): Promise<number> {
  const session = await ort.InferenceSession.create(bytes);
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.slice(0, 16)), [1, 16]),
    targets: new ort.Tensor('int64', BigInt64Array.from(ids.slice(1, 17)), [1, 16]),
  };
  for (const [name, t] of params) if (session.inputNames.includes(name)) feeds[name] = new ort.Tensor('float32', t.data, [...t.dims]);
  return ((await session.run(feeds)).loss.data as Float32Array)[0];
}

describe('LoRA', () => {
  it('trains only the adapters on a frozen base, and the merged export computes the same loss', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lora-'));
    const base = randomWeights(config, 3);
    writeModelFolder(path.join(dir, 'base'), { config, weights: base, tokenizerJson: byteTokenizerJson() });
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(byteTokenizerJson()));
    fs.writeFileSync(path.join(dir, 'data.txt'), 'She sells sea shells by the sea shore. '.repeat(30));
    const done = await train({
      ...defaultTrainOptions({ dataPath: path.join(dir, 'data.txt'), tokenizerPath: path.join(dir, 'tokenizer.json'), outDir: path.join(dir, 'out'), model: config }),
      baseModel: path.join(dir, 'base'), lora, steps: 60, batchSize: 4, learningRate: 3e-2, warmupSteps: 2, evalEvery: 0, sampleEvery: 0, validationFraction: 0, threads: 1,
    });
    const ckpt = loadCheckpoint(lastFolder(path.join(dir, 'out')));
    const targets = loraTargets(config, lora).map((t) => t.name);
    assert.equal(targets.length, 4);
    assert.deepEqual([...ckpt.optimizerState.keys()].sort(), targets.flatMap((t) => [adapterA(t), adapterB(t)]).flatMap((a) => [`${a}.adam_m`, `${a}.adam_v`]).sort());
    for (const [name, t] of base) {
      const saved = ckpt.weights.get(name)?.data as Float32Array;
      if (targets.includes(name)) assert.ok(saved.some((x, i) => x !== t.data[i]), `${name} carries the merged update`);
      else assert.deepEqual(saved, t.data, `${name} stays frozen`);
    }
    const first = ckpt.state.history[0].loss;
    assert.ok(done.finalLoss < first - 0.1, `loss fell from ${first} to ${done.finalLoss} with the base frozen`);

    // The same tokens through base + adapters (training graph's overlay) and through the merged weights.
    const adapters = ckpt.adapters as ReadonlyMap<string, Float32Array>;
    const overlayParams: TensorMap = new Map(base);
    for (const p of loraOverlay(config, lora).parameters) overlayParams.set(p.name, { dims: p.dims, data: adapters.get(p.name) as Float32Array });
    const ids = Array.from('She sells sea shells by the sea', (c) => BigInt(c.charCodeAt(0)));
    const withOverlay = await lossOf(buildLossGraph({ config, batchSize: 1, contextLength: 16, overlay: loraOverlay(config, lora) }), overlayParams, ids);
    const exported = mergeAdapters(config, lora, base, adapters);
    const byHand = mergedByHand(base, adapters, targets);
    for (const name of targets) {
      const [ours, expected] = [exported.get(name)?.data as Float32Array, byHand.get(name)?.data as Float32Array];
      assert.ok(ours.every((x, i) => Math.abs(x - expected[i]) < 1e-6), `${name}: the export differs from W + (α/r)·A·B`);
    }
    const reference = referenceLoss(byHand, ids.map(Number));
    assert.ok(Math.abs(withOverlay - reference) < 1e-4, `overlay ${withOverlay} vs reference forward on W + (α/r)·A·B ${reference}`);
    const merged = await lossOf(buildLossGraph({ config, batchSize: 1, contextLength: 16 }), exported, ids);
    assert.ok(Math.abs(withOverlay - merged) < 1e-5, `${withOverlay} vs ${merged}`);
    fs.rmSync(dir, { recursive: true });
  });
});
