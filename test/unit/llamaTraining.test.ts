// The Llama training graph: the autodiff of the one Llama forward definition (llama/forwardGraph.ts)
// against PyTorch autograd over an independent transcription of Hugging Face's modelling code
// (test/unit/python/llama_train_reference.py), then the trainer end to end on a tiny Llama: the loss
// falls, the checkpoint is a Llama model folder that the engine, its CLI and PyTorch all read alike,
// a run resumes from it, and instruction tuning (SFT) fine-tunes it. Needs /usr/bin/python3 with
// torch (Debian: python3-torch).
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { addGradients } from '../../extension/engine/autodiff/gradients';
import { generateCommand } from '../../extension/engine/cli/generate';
import { Mulberry32 } from '../../extension/engine/generate/random';
import { llamaConfigJson, parseLlamaConfig } from '../../extension/engine/llama/configJson';
import type { LlamaConfig } from '../../extension/engine/llama/config';
import { readModelFolder } from '../../extension/engine/modelFolder/readModelFolder';
import { GraphBuilder } from '../../extension/engine/onnx';
import { loadOrt } from '../../extension/engine/runtime/ort';
import { isLlamaConfig, llamaLike, totalParameters } from '../../extension/engine/train/trainableConfig';
import { byteTokenizerJson } from '../../extension/engine/train/byteTokenizer';
import { loadCheckpoint } from '../../extension/engine/train/checkpoint';
import { defaultTrainOptions } from '../../extension/engine/train/options';
import type { ProgressEvent, TrainEvent } from '../../extension/engine/train/protocol';
import { lastFolder } from '../../extension/engine/train/runSetup';
import { train } from '../../extension/engine/train/trainer';
import { emitForwardLoss } from '../../extension/engine/train/trainingGraph';
import { printed } from './cliOutput';
import { pytorchReference, writeLlamaFolder } from './llamaFixture';

const REFERENCE = path.join(__dirname, 'python', 'llama_train_reference.py');
const BUNDLED = path.join(__dirname, '..', '..', 'models', 'tinystories-1m');
/** Both sides compute in float32 and differ in the order of their sums. */
const TOLERANCE = 1e-4;
const B = 2;
const T = 12;

/** A GPT-2 "tiny"-like Llama: 2 layers, 4 query heads sharing 2 key/value heads, width 32. */
const TINY = llamaLike({ n_layer: 2, n_head: 4, n_embd: 32, n_positions: 32, layer_norm_epsilon: 1e-5 }, 300);

const CASES: Array<{ title: string; configJson: Record<string, unknown> }> = [
  { title: 'the preset layout: tied embeddings, no biases', configJson: llamaConfigJson(TINY, {}) },
  { title: 'untied lm_head, attention and MLP biases', configJson: { ...llamaConfigJson(TINY, {}), tie_word_embeddings: false, attention_bias: true, mlp_bias: true } },
];

interface StepReference {
  readonly loss: number;
  readonly gradients: Record<string, number[]>;
}

async function pytorchStep(dir: string, inputs: number[][], targets: number[][]): Promise<StepReference> {
  const { stdout } = await promisify(execFile)('/usr/bin/python3', [REFERENCE, dir, JSON.stringify(inputs), JSON.stringify(targets)], {
    env: { ...process.env, OMP_NUM_THREADS: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout) as StepReference;
}

/** The training graph's forward and loss with every parameter's gradient as an output (no optimizer). */
async function engineStep(config: LlamaConfig, weights: ReadonlyMap<string, { dims: readonly number[]; data: Float32Array }>, inputs: number[][], targets: number[][]) {
  const g = new GraphBuilder({ name: 'llama_gradients' });
  const { loss, parameters } = emitForwardLoss(g, { config, batchSize: B, contextLength: T }, B);
  const gradients = addGradients(g, loss, parameters.map((p) => p.name));
  g.output(loss, { name: 'loss', dtype: 'float32', dims: [] });
  for (const p of parameters) g.output(gradients.get(p.name) as string, { name: `grad.${p.name}`, dtype: 'float32', dims: p.dims });
  const ort = loadOrt();
  const session = await ort.InferenceSession.create(g.toBytes());
  const ids = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [B, T]);
  const feeds: Record<string, import('onnxruntime-node').Tensor> = { input_ids: ids(inputs), targets: ids(targets) };
  for (const p of parameters) feeds[p.name] = new ort.Tensor('float32', weights.get(p.name)?.data as Float32Array, [...p.dims]);
  const out = await session.run(feeds);
  await session.release();
  return { loss: (out.loss.data as Float32Array)[0], gradient: (name: string) => out[`grad.${name}`].data as Float32Array, parameters };
}

describe('Llama training graph', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llama-train-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const { title, configJson } of CASES) {
    it(`one step's loss and every gradient match PyTorch autograd (${title})`, async () => {
      const weights = writeLlamaFolder(dir, configJson, { seed: 11, dtype: 'F32', shards: 1 });
      const config = parseLlamaConfig(configJson);
      const random = new Mulberry32(5);
      const sequence = () => Array.from({ length: T + 1 }, () => Math.floor(random.next() * config.vocab_size));
      const rows = [sequence(), sequence()];
      const inputs = rows.map((r) => r.slice(0, T));
      const targets = rows.map((r) => r.slice(1));

      const [engine, reference] = await Promise.all([engineStep(config, weights, inputs, targets), pytorchStep(dir, inputs, targets)]);
      assert.ok(Math.abs(engine.loss - reference.loss) < TOLERANCE, `loss ${engine.loss} vs PyTorch ${reference.loss}`);
      for (const p of engine.parameters) {
        const expected = reference.gradients[p.name];
        assert.ok(expected, `PyTorch has no gradient for ${p.name}`);
        const actual = engine.gradient(p.name);
        assert.equal(actual.length, expected.length, p.name);
        let worst = 0;
        for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        assert.ok(worst < TOLERANCE, `${p.name}: gradients differ by up to ${worst}`);
        assert.ok(expected.some((v) => Math.abs(v) > 1e-3), `${p.name}: PyTorch's gradient is all but zero, so the comparison shows nothing`);
      }
    });
  }

  it('trains: the loss falls, the checkpoint is a Llama folder that generate and PyTorch continue alike, a run resumes from it, and another continues it', async () => {
    const data = path.join(dir, 'data.txt');
    fs.writeFileSync(data, 'The quick brown fox jumps over the lazy dog. A bird sings in the tall tree by the river.\n'.repeat(3));
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(byteTokenizerJson()));
    const model = { ...TINY, vocab_size: 257 };
    const options = {
      ...defaultTrainOptions({ dataPath: data, tokenizerPath: path.join(dir, 'tokenizer.json'), outDir: path.join(dir, 'out'), model }),
      batchSize: 4, contextLength: 32, steps: 40, learningRate: 1e-2, warmupSteps: 5, evalEvery: 0, checkpointEvery: 0, validationFraction: 0, threads: 1,
      sampleEvery: 40, sampleTokens: 8, sampleTemperature: 0, samplePrompt: 'The quick',
    };
    const events: TrainEvent[] = [];
    const done = await train(options, { onEvent: (e) => events.push(e) });
    const progress = events.filter((e): e is ProgressEvent => e.type === 'progress');
    assert.ok(progress[0].loss > 4.5, `first loss ${progress[0].loss} should be near ln 257 ≈ 5.5`);
    assert.ok(done.finalLoss < progress[0].loss - 2, `loss fell only from ${progress[0].loss} to ${done.finalLoss}`);
    const started = events.find((e) => e.type === 'started');
    assert.equal(started?.type === 'started' && started.parameters, totalParameters(model));
    assert.ok(events.some((e) => e.type === 'sample'), 'the Llama decode graph sampled text during training');

    const folder = lastFolder(options.outDir);
    const read = readModelFolder(folder);
    assert.equal(read.kind, 'llama');
    assert.equal(JSON.parse(fs.readFileSync(path.join(folder, 'config.json'), 'utf8')).model_type, 'llama');
    const json = JSON.parse(await printed(() => generateCommand.run(['--model', folder, '--prompt', 'The quick', '--greedy', '--max-new-tokens', '8', '--json'])));
    const reference = await pytorchReference(folder, json.prompt_ids, 8);
    assert.deepEqual(json.generated_ids, reference.greedy);

    const checkpoint = loadCheckpoint(folder);
    assert.ok(isLlamaConfig(checkpoint.config));
    assert.equal(checkpoint.state.step, 40);
    const resumed = await train({ ...options, resume: true, steps: 45 });
    assert.equal(resumed.step, 45);
    assert.equal(loadCheckpoint(folder).state.history.length, 45);

    // Continuing the checkpoint as a base model (the panel's "continue training the active model") starts from its weights.
    const continued: TrainEvent[] = [];
    await train({ ...options, baseModel: folder, outDir: path.join(dir, 'continued'), steps: 2, sampleEvery: 0 }, { onEvent: (e) => continued.push(e) });
    const first = continued.find((e): e is ProgressEvent => e.type === 'progress');
    assert.ok(first && first.loss < progress[0].loss - 2, `a continued run starts where the checkpoint was, not at ${first?.loss}`);
  });
  it('instruction-tunes a Llama checkpoint: the answers\' loss falls and the result is still a Llama folder', async () => {
    // A Llama base on the bundled tokenizer, whose tokenizer_config.json carries the chat template SFT renders with.
    const stories = path.join(dir, 'stories.txt');
    fs.writeFileSync(stories, 'Once upon a time, a dog found a ball in the sun.\n'.repeat(20));
    const model = { ...TINY, vocab_size: 4096 };
    const run = { batchSize: 2, contextLength: 32, evalEvery: 0, checkpointEvery: 0, validationFraction: 0, threads: 1, sampleEvery: 0 };
    const baseOut = path.join(dir, 'base');
    await train({ ...defaultTrainOptions({ dataPath: stories, tokenizerPath: BUNDLED, outDir: baseOut, model }), ...run, steps: 2 });
    const base = lastFolder(baseOut);

    const chat = path.join(dir, 'chat.jsonl');
    const line = (user: string, assistant: string) => JSON.stringify({ messages: [{ role: 'user', content: user }, { role: 'assistant', content: assistant }] });
    fs.writeFileSync(chat, `${[line('Write a story about a dog.', 'A dog found a ball.'), line('Write a story about a cat.', 'A cat sat in the sun.')].join('\n')}\n`);
    const events: TrainEvent[] = [];
    const done = await train(
      { ...defaultTrainOptions({ dataPath: chat, tokenizerPath: base, outDir: path.join(dir, 'sft'), model }), ...run, objective: { kind: 'sft', allTokens: false }, baseModel: base, steps: 30, learningRate: 1e-2, warmupSteps: 3 },
      { onEvent: (e) => events.push(e) },
    );
    const first = events.find((e): e is ProgressEvent => e.type === 'progress');
    assert.ok(first && done.finalLoss < first.loss - 1, `the answers' loss fell only from ${first?.loss} to ${done.finalLoss}`);
    assert.equal(readModelFolder(lastFolder(path.join(dir, 'sft'))).kind, 'llama');
  });
});
