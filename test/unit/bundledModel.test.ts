// The bundled model in models/tinystories-1m: it loads through every path the extension and its
// users take (our runtime, its tokenizer, transformers.js offline), it writes English, and its
// int8 variant stays close to float32 while taking a fraction of the space. Its bits per byte on
// valid.txt, as `npm run cli -- eval` measures them, agree with an independent PyTorch evaluation
// of model.safetensors, and the model card quotes that figure.

import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { evalCommand } from '../../extension/engine/cli/eval';
import { generate } from '../../extension/engine/generate/generate';
import { referenceForward } from '../../extension/engine/gpt/referenceForward';
import { readGPT2Weights } from '../../extension/engine/modelFolder/gpt2Weights';
import { readModelFolder, type ModelFolder } from '../../extension/engine/modelFolder/readModelFolder';
import type { CausalLM } from '../../extension/engine/runtime/causalLM';
import { OnnxCausalLM } from '../../extension/engine/runtime/onnxCausalLM';
import { openLanguageModel } from '../../extension/engine/runtime/openModelFolder';
import { loadTokenizerFile } from '../../extension/engine/tokenizer/loadTokenizerFile';
import { printed } from './cliOutput';

type TransformersJs = typeof import('@huggingface/transformers', { with: { 'resolution-mode': 'import' } });

const MODELS = path.resolve(__dirname, '../../models');
const NAME = 'tinystories-1m';
const DIR = path.join(MODELS, NAME);
const PROMPT = 'Once upon a time';
const VALID = path.resolve(__dirname, '../../corpus/tinystories/valid.txt');
/** test/unit/python/gpt2_eval.py runs on Debian's python3-torch. */
const PYTHON = '/usr/bin/python3';
/** Ignored by git: the training run's checkpoints, not part of the bundled folder. */
const NOT_BUNDLED = new Set(['checkpoints']);

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'lengths differ');
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

function argmaxRows(logits: Float32Array, vocab: number): number[] {
  const rows: number[] = [];
  for (let r = 0; r < logits.length / vocab; r++) {
    let best = 0;
    for (let v = 1; v < vocab; v++) if (logits[r * vocab + v] > logits[r * vocab + best]) best = v;
    rows.push(best);
  }
  return rows;
}

function bundledBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (NOT_BUNDLED.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? bundledBytes(full) : fs.statSync(full).size;
  }
  return total;
}

describe('the bundled TinyStories model', function () {
  this.timeout(180_000);
  let folder: ModelFolder;
  let model: CausalLM;
  let tokenizer: Awaited<ReturnType<typeof loadTokenizerFile>>;

  before(async () => {
    folder = readModelFolder(DIR);
    model = await openLanguageModel(folder, { threads: 1 });
    tokenizer = await loadTokenizerFile(DIR);
  });
  after(async () => model?.release());

  it('is a complete GPT-2 folder in the Hugging Face layout, with a model card, under 15 MB in all', () => {
    assert.ok(folder.gpt2, 'config.json describes a GPT-2');
    assert.deepEqual(folder.onnxFiles.slice(0, 2), ['onnx/model.onnx', 'onnx/model_int8.onnx']);
    for (const file of ['model.safetensors', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'README.md']) {
      assert.ok(fs.existsSync(path.join(DIR, file)), `${file} is missing`);
    }
    assert.equal(folder.gpt2.gpt.vocab_size, tokenizer.vocabSize);
    assert.ok(bundledBytes(MODELS) < 15 * 1024 * 1024, `models/ holds ${bundledBytes(MODELS)} bytes`);
  });

  it('continues "Once upon a time" greedily with English words it learned, not fragments or one word over and over', async () => {
    const prompt = tokenizer.encodeIds(PROMPT);
    const result = await generate(model, prompt, { sampler: { temperature: 0 }, maxNewTokens: 48, decode: (ids) => tokenizer.decode(ids) });
    const words = result.text.toLowerCase().match(/[a-z']+/g) ?? [];
    assert.ok(words.length >= 20, `only ${words.length} words: ${JSON.stringify(result.text)}`);
    // A word that the 4096-token vocabulary spells as one token (" word") was frequent in training;
    // an untrained or broken model strings together pieces that are not such words.
    const isVocabularyWord = (w: string) => tokenizer.tokenToId(`Ġ${w}`) !== undefined || tokenizer.tokenToId(`Ġ${w[0].toUpperCase()}${w.slice(1)}`) !== undefined;
    const known = words.filter(isVocabularyWord);
    assert.ok(known.length >= 0.8 * words.length, `${known.length} of ${words.length} words are whole vocabulary words: ${JSON.stringify(result.text)}`);
    assert.ok(new Set(words).size >= 10, `only ${new Set(words).size} distinct words: ${JSON.stringify(result.text)}`);
    assert.match(result.text, /[.!?]/, 'at least one sentence ends');
    // The first two sentences must be whole and free of loops: an undertrained model repeats itself
    // at once ("there was a time, there was a time"); a 1M-parameter one may still loop later on.
    const sentences = (PROMPT + result.text).match(/[^.!?]+[.!?]/g) ?? [];
    assert.ok(sentences.length >= 2, `fewer than two sentences: ${JSON.stringify(result.text)}`);
    const opening = sentences.slice(0, 2).join(' ').toLowerCase().match(/[a-z']+/g) ?? [];
    const threeGrams = opening.slice(0, -2).map((_, i) => opening.slice(i, i + 3).join(' '));
    const repeated = threeGrams.find((g, i) => threeGrams.indexOf(g) !== i);
    assert.equal(repeated, undefined, `"${repeated}" repeats within the first two sentences: ${JSON.stringify(sentences.slice(0, 2))}`);
  });

  it('ships an onnx/model.onnx that computes the TypeScript reference forward on its model.safetensors', async () => {
    const config = folder.gpt2?.gpt;
    assert.ok(config);
    const weights = readGPT2Weights(path.join(DIR, 'model.safetensors'), config);
    const shipped = await OnnxCausalLM.open(path.join(DIR, 'onnx', 'model.onnx'), { config: folder.config, threads: 1 });
    try {
      const ids = tokenizer.encodeIds('Once upon a time, there was a little girl named Lily. She loved to play outside.');
      const diff = maxAbsDiff((await shipped.forwardAll(ids)).logits, referenceForward(config, weights, ids).logits);
      assert.ok(diff < 1e-3, `onnx/model.onnx vs the reference forward on model.safetensors: max |Δlogit| ${diff}`);
    } finally {
      await shipped.release();
    }
  });

  it('has an int8 variant whose logits stay close to float32 and that is under a third of its size', async () => {
    const int8 = await OnnxCausalLM.open(path.join(DIR, 'onnx', 'model_int8.onnx'), { config: folder.config, threads: 1 });
    try {
      const ids = tokenizer.encodeIds('Once upon a time, there was a little girl named Lily. She loved to play outside in the park.');
      const [a, b] = [(await model.forwardAll(ids)).logits, (await int8.forwardAll(ids)).logits];
      const spread = Math.max(...a) - Math.min(...a);
      assert.ok(maxAbsDiff(a, b) < 0.05 * spread, `max |Δlogit| ${maxAbsDiff(a, b)} against a range of ${spread}`);
      const [ta, tb] = [argmaxRows(a, model.vocabSize), argmaxRows(b, model.vocabSize)];
      const agree = ta.filter((t, i) => t === tb[i]).length;
      assert.ok(agree >= 0.9 * ta.length, `the most likely next token agrees at ${agree} of ${ta.length} positions`);
    } finally {
      await int8.release();
    }
    const size = (f: string) => fs.statSync(path.join(DIR, 'onnx', f)).size;
    assert.ok(size('model_int8.onnx') < size('model.onnx') / 3, `${size('model_int8.onnx')} vs ${size('model.onnx')} bytes`);
  });

  it('scores valid.txt with the eval CLI as a PyTorch evaluation of model.safetensors does, and the model card quotes the figure', async function () {
    this.timeout(600_000); // 197k tokens through each; about a minute on two cores
    // Disjoint windows of the whole context, after the start token: the card's command.
    const ours = JSON.parse(await printed(() => evalCommand.run(['--model', DIR, '--file', VALID, '--stride', '256', '--json'])));
    const ids = [folder.config.bosTokenId ?? 0, ...tokenizer.encodeIds(fs.readFileSync(VALID, 'utf8'))];
    assert.equal(ours.tokens, ids.length);
    const idsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'valid-ids-')), 'ids.json');
    fs.writeFileSync(idsFile, JSON.stringify(ids));
    const script = path.join(__dirname, 'python', 'gpt2_eval.py');
    const { stdout } = await promisify(execFile)(PYTHON, [script, DIR, idsFile, '256', String(ours.scoredBytes)], { env: { ...process.env, OMP_NUM_THREADS: '1' } });
    fs.rmSync(path.dirname(idsFile), { recursive: true });
    const torch = JSON.parse(stdout);
    assert.equal(torch.scoredTokens, ours.scoredTokens);
    assert.ok(Math.abs(torch.bitsPerByte - ours.bitsPerByte) < 1e-3, `eval CLI ${ours.bitsPerByte} bits per byte, PyTorch ${torch.bitsPerByte}`);
    const card = fs.readFileSync(path.join(DIR, 'README.md'), 'utf8');
    assert.ok(card.includes(`| ${ours.bitsPerByte.toFixed(4)} |`), `the model card does not quote ${ours.bitsPerByte.toFixed(4)} bits per byte for valid.txt`);
  });

  describe('in transformers.js, offline', () => {
    let tf: TransformersJs;
    before(async () => {
      tf = await import('@huggingface/transformers');
      tf.env.allowRemoteModels = false;
      tf.env.allowLocalModels = true;
      tf.env.localModelPath = `${MODELS}${path.sep}`;
    });

    it('tokenizes as our tokenizer does and gives the same logits, float32 and int8', async () => {
      const text = 'Once upon a time, there was a little dog. He said, "Let\'s play!"';
      const theirTokenizer = await tf.AutoTokenizer.from_pretrained(NAME, { local_files_only: true });
      const ids = tokenizer.encodeIds(text);
      assert.deepEqual(theirTokenizer.encode(text), ids);
      for (const [dtype, file] of [['fp32', 'model.onnx'], ['int8', 'model_int8.onnx']] as const) {
        const theirs = await tf.AutoModelForCausalLM.from_pretrained(NAME, { local_files_only: true, dtype });
        const ours = await OnnxCausalLM.open(path.join(DIR, 'onnx', file), { config: folder.config, threads: 1 });
        try {
          const input = new tf.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]);
          const mask = new tf.Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]);
          const output = await theirs({ input_ids: input, attention_mask: mask });
          const diff = maxAbsDiff((await ours.forwardAll(ids)).logits, output.logits.data as Float32Array);
          assert.ok(diff < 1e-3, `${dtype}: ours vs transformers.js ${diff}`);
        } finally {
          await ours.release();
          await theirs.dispose();
        }
      }
    });
  });
});
