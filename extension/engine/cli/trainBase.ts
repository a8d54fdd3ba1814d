// `train-base`: reproduces the bundled TinyStories model from the corpus, in four resumable phases.
//   1. tokenizer   byte-level BPE on train.txt                       <work>/tokenizer
//   2. sweep       every candidate size trains the first --sweep-steps steps of the full schedule;
//                  the one with the lowest validation loss wins      <work>/sweep/<size>
//   3. train       the winner continues to --steps, stopping early once validation loss has not
//                  improved for --patience measurements              <work>/sweep/<winner>
//   4. export      the best checkpoint becomes the model folder, with onnx/model_int8.onnx and
//                  loss.svg beside it                                 <out>
// Every phase that has already finished is skipped, and an interrupted run resumes from its last
// checkpoint, so running the same command again continues where it stopped.
//   npm run train:base                     (= npm run cli -- train-base)

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { GPTConfig } from '../gpt/config';
import { parameterCount } from '../gpt/sizes';
import { writeFileAtomic, writeJsonAtomic } from '../modelFolder/atomicWrite';
import { readJsonObject } from '../modelFolder/jsonFile';
import { writeModelFolder } from '../modelFolder/writeModelFolder';
import { trainBpeOnCorpus } from '../tokenizer/trainOnCorpus';
import { writeTrainedTokenizer } from '../tokenizer/trainedTokenizerFiles';
import { resolveFolder } from '../train/atomicFolder';
import { loadCheckpoint, type HistoryPoint } from '../train/checkpoint';
import { gptOnly } from '../train/trainableConfig';
import { defaultTrainOptions, type TrainOptions } from '../train/options';
import { bestFolder, lastFolder } from '../train/runSetup';
import { train } from '../train/trainer';
import { lossCurveSvg } from '../train/lossCurveSvg';
import type { CliCommand } from './main';
import { STORY_CHAT_TEMPLATE } from '../tokenizer/chatTemplateExamples';

const USAGE = `usage: npm run cli -- train-base [options]
  --corpus DIR         the corpus folder, holding tinystories/train.txt          (corpus)
  --out DIR            the model folder written at the end                      (models/tinystories-1m)
  --work DIR           tokenizer, checkpoints and the training log               (<out>/checkpoints)
  --sizes LIST         candidate shapes, layers x heads x width                   (2x2x128,4x4x128)
  --sweep-steps N      steps each candidate trains before they are compared      (300)
  --steps N            length of the full schedule                               (920)
  --patience N         stop after N validation measurements without improvement  (4)
  --tie X              sweep losses closer than X nats tie; the largest tied size wins (0.02)
  --min-parameters N   smaller candidates are measured for reference only        (1000000)
  --vocab-size N       tokenizer vocabulary                                      (4096)
  --context N          tokens per sequence and the model's n_positions           (256)
  --batch-size N                                                                  (16)
  --learning-rate X    peak learning rate (warmup, then cosine decay)            (2e-3)
  --seed N                                                                        (1337)
  --threads N          ONNX Runtime threads (default: all cores)`;

const SPECIAL = '<|endoftext|>';

interface Settings {
  readonly trainFile: string;
  readonly out: string;
  readonly work: string;
  readonly sizes: readonly Omit<GPTConfig, 'vocab_size'>[];
  readonly sweepSteps: number;
  readonly steps: number;
  readonly patience: number;
  readonly tie: number;
  readonly minParameters: number;
  readonly vocabSize: number;
  readonly context: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  readonly threads?: number;
}

/** What the run measured, kept in <work>/summary.json across resumptions and copied into the model folder. */
interface Summary {
  sweep: Record<string, { steps: number; parameters: number; validationLoss: number; secondsPerStep: number }>;
  winner?: string;
  trainSeconds: number;
  tokensPerSecond?: number;
  bestStep?: number;
  bestValidationLoss?: number;
  stoppedAtStep?: number;
}

const sizeName = (s: Omit<GPTConfig, 'vocab_size'>) => `${s.n_layer}x${s.n_head}x${s.n_embd}`;

function parseSizes(list: string, context: number): Omit<GPTConfig, 'vocab_size'>[] {
  return list.split(',').map((item) => {
    const parts = item.trim().split('x').map(Number);
    if (parts.length !== 3 || !parts.every((n) => Number.isInteger(n) && n > 0)) throw new Error(`--sizes: "${item}" is not layers x heads x width, e.g. 4x4x128`);
    const [n_layer, n_head, n_embd] = parts;
    return { n_layer, n_head, n_embd, n_positions: context, layer_norm_epsilon: 1e-5 };
  });
}

function wholeNumber(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number ≥ 1, got "${text}"`);
  return n;
}

function readSummary(work: string): Summary {
  const file = path.join(work, 'summary.json');
  return fs.existsSync(file) ? (readJsonObject(file, 'summary.json') as unknown as Summary) : { sweep: {}, trainSeconds: 0 };
}

function tokenizerPhase(s: Settings): string {
  const dir = path.join(s.work, 'tokenizer');
  if (fs.existsSync(path.join(dir, 'tokenizer_config.json'))) return dir;
  console.log(`[tokenizer] byte-level BPE, ${s.vocabSize} tokens, on ${s.trainFile}`);
  const { bpe } = trainBpeOnCorpus(s.trainFile, { vocabSize: s.vocabSize, specialTokens: [SPECIAL] });
  writeTrainedTokenizer(dir, bpe);
  return dir;
}

function runOptions(s: Settings, tokenizer: string, size: Omit<GPTConfig, 'vocab_size'>): TrainOptions {
  const model = { ...size, vocab_size: s.vocabSize };
  return {
    ...defaultTrainOptions({ dataPath: s.trainFile, tokenizerPath: tokenizer, outDir: path.join(s.work, 'sweep', sizeName(size)), model }),
    resume: true,
    steps: s.steps,
    batchSize: s.batchSize,
    contextLength: s.context,
    learningRate: s.learningRate,
    warmupSteps: 100,
    seed: s.seed,
    // Validation here picks the size and the best step; valid.txt stays untouched for the final figures.
    validationFraction: 0.03,
    evalEvery: 50,
    validationBatches: 8,
    sampleEvery: 250,
    samplePrompt: 'Once upon a time',
    checkpointEvery: 50,
    ...(s.threads ? { threads: s.threads } : {}),
  };
}

/** Trains one run until `stopAt` steps or until validation loss stalls for `patience` measurements. */
async function trainUntil(s: Settings, summary: Summary, options: TrainOptions, stopAt: number, patience: number, log: string): Promise<{ tokensPerSecond: number }> {
  const done = resolveFolder(lastFolder(options.outDir)) ? loadCheckpoint(lastFolder(options.outDir)).state : undefined;
  if (done && (done.step >= stopAt || stalled(done.history, patience))) return { tokensPerSecond: NaN };
  const controller = new AbortController();
  const interrupt = () => controller.abort();
  process.once('SIGINT', interrupt);
  const began = performance.now();
  let rates: number[] = [];
  const history: HistoryPoint[] = [...(done?.history ?? [])];
  try {
    await train(options, {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'progress') {
          rates.push(e.tokensPerSecond);
          if (rates.length > 200) rates = rates.slice(-100);
          const line = { time: new Date().toISOString(), run: path.basename(options.outDir), step: e.step, loss: e.loss, validationLoss: e.validationLoss, learningRate: e.learningRate, gradNorm: e.gradNorm, tokensPerSecond: e.tokensPerSecond };
          fs.appendFileSync(log, `${JSON.stringify(line)}\n`);
          if (e.validationLoss !== undefined) {
            history.push({ step: e.step, loss: e.loss, validationLoss: e.validationLoss });
            console.log(`[${path.basename(options.outDir)}] step ${e.step}  loss ${e.loss.toFixed(3)}  val ${e.validationLoss.toFixed(3)}  ${Math.round(e.tokensPerSecond)} tok/s`);
          }
          if (e.step >= stopAt || stalled(history, patience)) controller.abort();
        } else if (e.type === 'sample') {
          fs.appendFileSync(log, `${JSON.stringify({ run: path.basename(options.outDir), step: e.step, sample: e.text })}\n`);
        }
      },
    });
  } finally {
    process.removeListener('SIGINT', interrupt);
    // Wall time counts every session, interrupted ones included.
    summary.trainSeconds += (performance.now() - began) / 1000;
    writeJsonAtomic(path.join(s.work, 'summary.json'), summary);
  }
  if (controller.signal.aborted && !stalled(history, patience) && (history.at(-1)?.step ?? 0) < stopAt) throw new Error('interrupted; run the same command again to resume');
  const sorted = [...rates].sort((a, b) => a - b);
  return { tokensPerSecond: sorted[Math.floor(sorted.length / 2)] ?? NaN };
}

/** True when the last `patience` validation measurements were all worse than the best before them. */
function stalled(history: readonly HistoryPoint[], patience: number): boolean {
  const measured = history.filter((h) => h.validationLoss !== undefined).map((h) => h.validationLoss as number);
  if (measured.length <= patience) return false;
  const before = Math.min(...measured.slice(0, -patience));
  return measured.slice(-patience).every((v) => v >= before);
}

async function sweepPhase(s: Settings, tokenizer: string, summary: Summary, log: string): Promise<string> {
  for (const size of s.sizes) {
    const name = sizeName(size);
    if (summary.sweep[name]?.steps === s.sweepSteps) continue;
    const options = runOptions(s, tokenizer, size);
    const { tokensPerSecond } = await trainUntil(s, summary, options, s.sweepSteps, Infinity, log);
    const state = loadCheckpoint(lastFolder(options.outDir)).state;
    const validationLoss = state.history.filter((h) => h.validationLoss !== undefined).at(-1)?.validationLoss ?? NaN;
    summary.sweep[name] = { steps: s.sweepSteps, parameters: parameterCount(gptOnly(options.model, 'The base-model sweep')).total, validationLoss, secondsPerStep: (s.batchSize * s.context) / tokensPerSecond };
    writeJsonAtomic(path.join(s.work, 'summary.json'), summary);
  }
  const ranked = Object.entries(summary.sweep).filter(([name]) => s.sizes.some((size) => sizeName(size) === name)).sort((a, b) => a[1].validationLoss - b[1].validationLoss);
  for (const [name, r] of ranked) console.log(`[sweep] ${name}: ${r.parameters} parameters, validation loss ${r.validationLoss.toFixed(4)} after ${s.sweepSteps} steps, ${r.secondsPerStep.toFixed(2)} s/step`);
  // Losses closer than `tie` are not told apart by the validation sample (about 30k tokens: a
  // standard error near 0.01 nats). Among such ties the largest model wins: it has the most room to
  // keep improving in the long run (Kaplan et al. 2020: larger models are more sample-efficient).
  // Candidates below --min-parameters are measured for comparison but cannot be chosen.
  const eligible = ranked.filter(([, r]) => r.parameters >= s.minParameters);
  if (eligible.length === 0) throw new Error(`--sizes: no candidate has at least ${s.minParameters} parameters (--min-parameters)`);
  const ties = eligible.filter(([, r]) => r.validationLoss - eligible[0][1].validationLoss < s.tie);
  return ties.sort((a, b) => b[1].parameters - a[1].parameters)[0][0];
}

async function exportPhase(s: Settings, tokenizer: string, summary: Summary, runDir: string): Promise<void> {
  const best = loadCheckpoint(bestFolder(runDir));
  const bestConfig = gptOnly(best.config, 'The base-model export');
  const last = loadCheckpoint(lastFolder(runDir));
  const tokenizerJson = readJsonObject(path.join(tokenizer, 'tokenizer.json'), 'tokenizer.json');
  const tokenizerConfig = readJsonObject(path.join(tokenizer, 'tokenizer_config.json'), 'tokenizer_config.json');
  const files = writeModelFolder(s.out, { config: bestConfig, weights: best.weights, tokenizerJson, tokenizerConfig: { ...tokenizerConfig, model_max_length: bestConfig.n_positions }, chatTemplate: STORY_CHAT_TEMPLATE });
  const fp32 = fs.readFileSync(path.join(s.out, 'onnx', 'model.onnx'));
  // Loaded here, at the end, so that a long training never waits on the quantizer's graph code.
  const { quantizeDecodeModelInt8 } = require('../quantize/quantizeModel') as typeof import('../quantize/quantizeModel');
  writeFileAtomic(path.join(s.out, 'onnx', 'model_int8.onnx'), quantizeDecodeModelInt8(fp32).bytes);
  writeFileAtomic(path.join(s.out, 'loss.svg'), lossCurveSvg(last.state.history, { title: `TinyStories ${summary.winner}: loss per step`, markStep: best.state.step }));
  summary.bestStep = best.state.step;
  summary.bestValidationLoss = best.state.bestValidationLoss;
  summary.stoppedAtStep = last.state.step;
  writeJsonAtomic(path.join(s.out, 'training_summary.json'), { ...summary, settings: { ...s, sizes: s.sizes.map(sizeName) } });
  console.log(`[export] ${s.out}: ${[...files, 'onnx/model_int8.onnx', 'loss.svg', 'training_summary.json'].join(', ')}`);
}

export const trainBaseCommand: CliCommand = {
  summary: 'reproduce the bundled TinyStories model: tokenizer, size sweep, training, export (resumable)',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        corpus: { type: 'string', default: 'corpus' },
        out: { type: 'string', default: 'models/tinystories-1m' },
        work: { type: 'string' },
        sizes: { type: 'string', default: '2x2x128,4x4x128' },
        'sweep-steps': { type: 'string' },
        steps: { type: 'string' },
        patience: { type: 'string' },
        tie: { type: 'string', default: '0.02' },
        'min-parameters': { type: 'string', default: '1000000' },
        'vocab-size': { type: 'string' },
        context: { type: 'string' },
        'batch-size': { type: 'string' },
        'learning-rate': { type: 'string', default: '2e-3' },
        seed: { type: 'string' },
        threads: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) return console.log(USAGE);
    const trainFile = path.join(values.corpus, 'tinystories', 'train.txt');
    if (!fs.existsSync(trainFile)) throw new Error(`${trainFile}: not found; point --corpus at the folder that holds tinystories/train.txt`);
    const context = wholeNumber('context', values.context, 256);
    const learningRate = Number(values['learning-rate']);
    if (!(Number(values.tie) >= 0)) throw new Error(`--tie must be a number ≥ 0, got "${values.tie}"`);
    if (!(learningRate > 0)) throw new Error(`--learning-rate must be a number > 0, got "${values['learning-rate']}"`);
    const s: Settings = {
      trainFile,
      out: values.out,
      work: values.work ?? path.join(values.out, 'checkpoints'),
      sizes: parseSizes(values.sizes, context),
      sweepSteps: wholeNumber('sweep-steps', values['sweep-steps'], 300),
      steps: wholeNumber('steps', values.steps, 920),
      patience: wholeNumber('patience', values.patience, 4),
      tie: Number(values.tie),
      minParameters: Number(values['min-parameters']),
      vocabSize: wholeNumber('vocab-size', values['vocab-size'], 4096),
      context,
      batchSize: wholeNumber('batch-size', values['batch-size'], 16),
      learningRate,
      seed: wholeNumber('seed', values.seed, 1337),
      ...(values.threads ? { threads: wholeNumber('threads', values.threads, 1) } : {}),
    };
    fs.mkdirSync(s.work, { recursive: true });
    const log = path.join(s.work, 'train-log.jsonl');
    const tokenizer = tokenizerPhase(s);
    const summary = readSummary(s.work);
    summary.winner = await sweepPhase(s, tokenizer, summary, log);
    const winner = s.sizes.find((size) => sizeName(size) === summary.winner);
    if (!winner) throw new Error(`${path.join(s.work, 'summary.json')}: its winner ${summary.winner} is not among --sizes ${values.sizes}`);
    const options = runOptions(s, tokenizer, winner);
    const run = await trainUntil(s, summary, options, s.steps, s.patience, log);
    if (Number.isFinite(run.tokensPerSecond)) summary.tokensPerSecond = run.tokensPerSecond;
    writeJsonAtomic(path.join(s.work, 'summary.json'), summary);
    await exportPhase(s, tokenizer, summary, options.outDir);
  },
};
