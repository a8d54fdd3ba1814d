// `train-base`: reproduces the bundled TinyStories model from the corpus, in four resumable phases.
//   1. tokenizer   byte-level BPE on the training text (train.txt and train-extra.txt), one per
//                  vocabulary size among the candidates               <work>/tokenizer-<vocab>
//   2. sweep       every candidate shape trains --sweep-steps steps of the full schedule (by
//                  default all of it), stopping early once validation loss has not improved for
//                  --patience measurements; the lowest best validation loss wins   <work>/sweep/<size>
//                  A candidate is our GPT-2, or with llama: a Llama of as many parameters per block
//                  (trainableConfig.ts's llamaLike), so the two architectures compare at one size.
//   3. train       the winner continues to --steps when the sweep was shorter   <work>/sweep/<winner>
//   4. export      the best checkpoint becomes the model folder, with onnx/model_int8.onnx,
//                  loss.svg and, when more than one candidate ran, their curves in sweep.svg <out>
// Every phase that has already finished is skipped, and an interrupted run resumes from its last
// checkpoint, so running the same command again continues where it stopped.
//   npm run train:base                     (= npm run cli -- train-base)
// By default the "sweep" is the one size that the model card's 2,500-step sweep chose, trained over
// 5,000 steps with weight decay 0.3, which the card's regularisation runs measured as best.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomic, writeJsonAtomic } from '../modelFolder/atomicWrite';
import { readJsonObject } from '../modelFolder/jsonFile';
import { writeModelFolder } from '../modelFolder/writeModelFolder';
import { loadTokenizerFile } from '../tokenizer/loadTokenizerFile';
import { trainBpeOnCorpus } from '../tokenizer/trainOnCorpus';
import { listTextFiles, splitTrainValidation } from '../train/dataset';
import { loadTokenStreamCached } from '../train/tokenCache';
import { writeTrainedTokenizer } from '../tokenizer/trainedTokenizerFiles';
import { resolveFolder } from '../train/atomicFolder';
import { loadCheckpoint, type HistoryPoint } from '../train/checkpoint';
import { isLlamaConfig, llamaLike, maxContext, totalParameters } from '../train/trainableConfig';
import { defaultTrainOptions, type TrainOptions } from '../train/options';
import { bestFolder, lastFolder } from '../train/runSetup';
import { train } from '../train/trainer';
import { lossCurveSvg } from '../train/lossCurveSvg';
import { type SweepCurve, sweepCurvesSvg } from '../train/sweepCurvesSvg';
import { type Candidate, candidateName, parseCandidates, WEIGHT_DECAY } from './sweepCandidate';
import type { CliCommand } from './main';
import { STORY_CHAT_TEMPLATE } from '../tokenizer/chatTemplateExamples';

const USAGE = `usage: npm run cli -- train-base [options]
  --corpus DIR         the corpus folder, holding tinystories/train.txt and train-extra.txt  (corpus)
  --out DIR            the model folder written at the end                      (models/tinystories-1m)
  --work DIR           tokenizer, checkpoints and the training log               (<out>/checkpoints)
  --candidates LIST    candidate runs: layers x heads x width, each with an optional /vocabulary
                       (else --vocab-size) and :dropout (else none); llama: before one makes it
                       a Llama with GPT-2's parameters per block (no dropout), e.g. llama:4x4x128
                       (4x4x128/4096; the 2,500-step sweep in the model card ran
                       4x4x128/4096,5x4x128/2048,4x4x128/4096:0.1)
  --sweep-steps N      steps each candidate trains before they are compared      (--steps)
  --steps N            length of the full schedule                               (5000)
  --patience N         stop after N validation measurements without improvement  (4)
  --tie X              best validation losses closer than X nats tie; the largest tied size wins (0.02)
  --min-parameters N   smaller candidates are measured for reference only        (1000000)
  --vocab-size N       tokenizer vocabulary of a candidate without /vocabulary   (4096)
  --context N          tokens per sequence and the model's n_positions           (256)
  --batch-size N                                                                  (16)
  --learning-rate X    peak learning rate (warmup, then cosine decay)            (2e-3)
  --weight-decay X     AdamW's decoupled weight decay, embeddings excluded       (0.3)
  --seed N                                                                        (1337)
  --threads N          ONNX Runtime threads (default: all cores)`;

const SPECIAL = '<|endoftext|>';
/** The training text, in the corpus's tinystories folder; valid.txt beside them is never read here. */
const TRAIN_FILES = ['train.txt', 'train-extra.txt'];

interface Settings {
  readonly trainFiles: readonly string[];
  readonly out: string;
  readonly work: string;
  readonly candidates: readonly Candidate[];
  readonly sweepSteps: number;
  readonly steps: number;
  readonly patience: number;
  readonly tie: number;
  readonly minParameters: number;
  readonly context: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  readonly threads?: number;
}

interface SweepResult {
  readonly steps: number;
  readonly parameters: number;
  /** The best validation loss, nats per token. */
  readonly validationLoss: number;
  /** The same in bits per byte, so that candidates with different vocabularies compare. */
  readonly bitsPerByte: number;
  readonly bestStep: number;
  readonly stoppedAtStep: number;
  readonly secondsPerStep: number;
}

/** What the run measured, kept in <work>/summary.json across resumptions and copied into the model folder. */
interface Summary {
  sweep: Record<string, SweepResult>;
  winner?: string;
  trainSeconds: number;
  tokensPerSecond?: number;
  bestStep?: number;
  bestValidationLoss?: number;
  stoppedAtStep?: number;
  /** Tokens in the winner's training part of the text (the held-out end excluded). */
  trainingTokens?: number;
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

/**
 * The training files copied into one folder of their own, <work>/train-text: the trainer and the
 * BPE trainer read every text file of a folder, and the corpus folder also holds valid.txt.
 */
function trainingText(s: Settings): string {
  const dir = path.join(s.work, 'train-text');
  for (const file of s.trainFiles) {
    const copy = path.join(dir, path.basename(file));
    if (!fs.existsSync(copy) || !fs.readFileSync(copy).equals(fs.readFileSync(file))) writeFileAtomic(copy, fs.readFileSync(file));
  }
  return dir;
}

function tokenizerPhase(s: Settings, text: string, vocabSize: number): string {
  const dir = path.join(s.work, `tokenizer-${vocabSize}`);
  if (fs.existsSync(path.join(dir, 'tokenizer_config.json'))) return dir;
  console.log(`[tokenizer] byte-level BPE, ${vocabSize} tokens, on ${s.trainFiles.join(' and ')}`);
  const { bpe } = trainBpeOnCorpus(text, { vocabSize, specialTokens: [SPECIAL] });
  writeTrainedTokenizer(dir, bpe);
  return dir;
}

function runOptions(s: Settings, text: string, candidate: Candidate): TrainOptions {
  const model = candidate.architecture === 'llama' ? llamaLike(candidate.shape, candidate.vocabSize) : { ...candidate.shape, vocab_size: candidate.vocabSize };
  const tokenizer = path.join(s.work, `tokenizer-${candidate.vocabSize}`);
  const defaults = defaultTrainOptions({ dataPath: text, tokenizerPath: tokenizer, outDir: path.join(s.work, 'sweep', candidateName(candidate)), model });
  return {
    ...defaults,
    optimizer: { ...defaults.optimizer, weightDecay: candidate.weightDecay },
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
    dropout: candidate.dropout,
    // One token stream per tokenizer, shared by every candidate that uses it.
    tokenCacheDir: path.join(s.work, 'token-cache'),
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

/**
 * Tokens per byte of the training text under a run's tokenizer, from the token stream the trainer
 * cached: bits per byte = nats per token / ln 2 × tokens per byte.
 */
async function tokensPerByte(text: string, options: TrainOptions): Promise<number> {
  const tokenizer = await loadTokenizerFile(options.tokenizerPath);
  const stream = loadTokenStreamCached(text, tokenizer, options.tokenCacheDir as string);
  const bytes = listTextFiles(text).reduce((sum, file) => sum + fs.statSync(file).size, 0);
  return stream.length / bytes;
}

/** True when the last `patience` validation measurements were all worse than the best before them. */
function stalled(history: readonly HistoryPoint[], patience: number): boolean {
  const measured = history.filter((h) => h.validationLoss !== undefined).map((h) => h.validationLoss as number);
  if (measured.length <= patience) return false;
  const before = Math.min(...measured.slice(0, -patience));
  return measured.slice(-patience).every((v) => v >= before);
}

async function sweepPhase(s: Settings, text: string, summary: Summary, log: string): Promise<string> {
  for (const candidate of s.candidates) {
    const name = candidateName(candidate);
    if (summary.sweep[name]?.steps === s.sweepSteps) continue;
    const options = runOptions(s, text, candidate);
    const { tokensPerSecond } = await trainUntil(s, summary, options, s.sweepSteps, s.patience, log);
    const state = loadCheckpoint(lastFolder(options.outDir)).state;
    const best = loadCheckpoint(bestFolder(options.outDir)).state;
    const validationLoss = best.bestValidationLoss ?? NaN;
    summary.sweep[name] = {
      steps: s.sweepSteps,
      parameters: totalParameters(options.model),
      validationLoss,
      bitsPerByte: (validationLoss / Math.LN2) * (await tokensPerByte(text, options)),
      bestStep: best.step,
      stoppedAtStep: state.step,
      secondsPerStep: (s.batchSize * s.context) / tokensPerSecond,
    };
    writeJsonAtomic(path.join(s.work, 'summary.json'), summary);
  }
  const ranked = Object.entries(summary.sweep).filter(([name]) => s.candidates.some((c) => candidateName(c) === name)).sort((a, b) => a[1].bitsPerByte - b[1].bitsPerByte);
  for (const [name, r] of ranked) {
    console.log(
      `[sweep] ${name}: ${r.parameters} parameters, best validation loss ${r.validationLoss.toFixed(4)} (${r.bitsPerByte.toFixed(4)} bits per byte) at step ${r.bestStep} (stopped at ${r.stoppedAtStep}), ${r.secondsPerStep.toFixed(2)} s/step`,
    );
  }
  // Losses closer than `tie` nats per token are not told apart by the validation sample (about 30k
  // tokens: a standard error near 0.01 nats); in bits per byte that is tie / ln 2 × tokens per byte
  // (about a quarter of it). Among ties the largest model wins: it has the most room to keep
  // improving in the long run (Kaplan et al. 2020: larger models are more sample-efficient).
  // Candidates below --min-parameters are measured for comparison but cannot be chosen.
  const eligible = ranked.filter(([, r]) => r.parameters >= s.minParameters);
  if (eligible.length === 0) throw new Error(`--candidates: no candidate has at least ${s.minParameters} parameters (--min-parameters)`);
  const tieBits = (r: SweepResult) => (s.tie / Math.LN2) * (r.bitsPerByte / (r.validationLoss / Math.LN2));
  const ties = eligible.filter(([, r]) => r.bitsPerByte - eligible[0][1].bitsPerByte < tieBits(eligible[0][1]));
  return ties.sort((a, b) => b[1].parameters - a[1].parameters)[0][0];
}

/** A candidate's validation losses in the sweep, from its last checkpoint, in bits per byte at the ratio its sweep result measured. */
function sweepCurve(s: Settings, summary: Summary, name: string): SweepCurve {
  const { validationLoss, bitsPerByte, steps } = summary.sweep[name];
  const history = loadCheckpoint(lastFolder(path.join(s.work, 'sweep', name))).state.history;
  // The sweep's part of the run (a winner trained past --sweep-steps continues beyond it), or the
  // whole run when the sweep ended before its first measurement.
  const measured = history.filter((h) => h.validationLoss !== undefined);
  const inSweep = measured.filter((h) => h.step <= steps);
  const points = (inSweep.length > 0 ? inSweep : measured).map((h) => ({ step: h.step, bitsPerByte: ((h.validationLoss as number) * bitsPerByte) / validationLoss }));
  return { name, points };
}

async function exportPhase(s: Settings, summary: Summary, options: TrainOptions): Promise<void> {
  const { tokenizerPath: tokenizer, outDir: runDir } = options;
  const best = loadCheckpoint(bestFolder(runDir));
  const { config } = best;
  const last = loadCheckpoint(lastFolder(runDir));
  const tokenizerJson = readJsonObject(path.join(tokenizer, 'tokenizer.json'), 'tokenizer.json');
  const tokenizerConfig = readJsonObject(path.join(tokenizer, 'tokenizer_config.json'), 'tokenizer_config.json');
  const files = writeModelFolder(s.out, { config, weights: best.weights, tokenizerJson, tokenizerConfig: { ...tokenizerConfig, model_max_length: maxContext(config) }, chatTemplate: STORY_CHAT_TEMPLATE });
  // A Llama folder holds no decode graph (the runtime builds it from model.safetensors), so there is
  // no float graph to quantize beside it, and an int8 graph alone would be opened in its place.
  if (!isLlamaConfig(config)) {
    const fp32 = fs.readFileSync(path.join(s.out, 'onnx', 'model.onnx'));
    // Loaded here, at the end, so that a long training never waits on the quantizer's graph code.
    const { quantizeDecodeModelInt8 } = require('../quantize/quantizeModel') as typeof import('../quantize/quantizeModel');
    writeFileAtomic(path.join(s.out, 'onnx', 'model_int8.onnx'), quantizeDecodeModelInt8(fp32).bytes);
    files.push('onnx/model_int8.onnx');
  }
  writeFileAtomic(path.join(s.out, 'loss.svg'), lossCurveSvg(last.state.history, { title: `TinyStories ${summary.winner}: loss per step`, markStep: best.state.step }));
  // A sweep of one candidate compares nothing: loss.svg already draws its run.
  const swept = s.candidates.map(candidateName).filter((name) => summary.sweep[name]);
  if (swept.length > 1) writeFileAtomic(path.join(s.out, 'sweep.svg'), sweepCurvesSvg(swept.map((name) => sweepCurve(s, summary, name)), 'TinyStories size sweep: held-out loss per step'));
  summary.bestStep = best.state.step;
  summary.bestValidationLoss = best.state.bestValidationLoss;
  summary.stoppedAtStep = last.state.step;
  // The distinct tokens the winner trained on, for tokens per parameter (the walkthrough's step 8).
  const stream = loadTokenStreamCached(options.dataPath, await loadTokenizerFile(tokenizer), options.tokenCacheDir as string);
  summary.trainingTokens = splitTrainValidation(stream, options.validationFraction, options.contextLength).train.length;
  writeJsonAtomic(path.join(s.out, 'training_summary.json'), { ...summary, settings: { ...s, candidates: s.candidates.map(candidateName) } });
  console.log(`[export] ${s.out}: ${[...files, 'loss.svg', ...(swept.length > 1 ? ['sweep.svg'] : []), 'training_summary.json'].join(', ')}`);
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
        candidates: { type: 'string', default: '4x4x128/4096' },
        'sweep-steps': { type: 'string' },
        steps: { type: 'string' },
        patience: { type: 'string' },
        tie: { type: 'string', default: '0.02' },
        'min-parameters': { type: 'string', default: '1000000' },
        'vocab-size': { type: 'string' },
        context: { type: 'string' },
        'batch-size': { type: 'string' },
        'learning-rate': { type: 'string', default: '2e-3' },
        'weight-decay': { type: 'string', default: String(WEIGHT_DECAY) },
        seed: { type: 'string' },
        threads: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) return console.log(USAGE);
    const trainFiles = TRAIN_FILES.map((name) => path.join(values.corpus, 'tinystories', name));
    for (const file of trainFiles) {
      if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile()) throw new Error(`${file}: not found; point --corpus at the folder that holds tinystories/${TRAIN_FILES.join(' and ')}`);
    }
    const steps = wholeNumber('steps', values.steps, 5000);
    const context = wholeNumber('context', values.context, 256);
    const learningRate = Number(values['learning-rate']);
    if (!(Number(values.tie) >= 0)) throw new Error(`--tie must be a number ≥ 0, got "${values.tie}"`);
    if (!(learningRate > 0)) throw new Error(`--learning-rate must be a number > 0, got "${values['learning-rate']}"`);
    const weightDecay = Number(values['weight-decay']);
    if (!(weightDecay >= 0)) throw new Error(`--weight-decay must be a number ≥ 0, got "${values['weight-decay']}"`);
    const s: Settings = {
      trainFiles,
      out: values.out,
      work: values.work ?? path.join(values.out, 'checkpoints'),
      candidates: parseCandidates(values.candidates, context, wholeNumber('vocab-size', values['vocab-size'], 4096), weightDecay),
      sweepSteps: Math.min(steps, wholeNumber('sweep-steps', values['sweep-steps'], steps)),
      steps,
      patience: wholeNumber('patience', values.patience, 4),
      tie: Number(values.tie),
      minParameters: Number(values['min-parameters']),
      context,
      batchSize: wholeNumber('batch-size', values['batch-size'], 16),
      learningRate,
      seed: wholeNumber('seed', values.seed, 1337),
      ...(values.threads ? { threads: wholeNumber('threads', values.threads, 1) } : {}),
    };
    fs.mkdirSync(s.work, { recursive: true });
    const log = path.join(s.work, 'train-log.jsonl');
    const text = trainingText(s);
    for (const vocabSize of new Set(s.candidates.map((c) => c.vocabSize))) tokenizerPhase(s, text, vocabSize);
    const summary = readSummary(s.work);
    summary.winner = await sweepPhase(s, text, summary, log);
    const winner = s.candidates.find((c) => candidateName(c) === summary.winner);
    if (!winner) throw new Error(`${path.join(s.work, 'summary.json')}: its winner ${summary.winner} is not among --candidates ${values.candidates}`);
    const options = runOptions(s, text, winner);
    const run = await trainUntil(s, summary, options, s.steps, s.patience, log);
    // When the sweep ran the whole schedule, the winner's speed is the one measured there.
    summary.tokensPerSecond = Number.isFinite(run.tokensPerSecond) ? run.tokensPerSecond : (s.batchSize * s.context) / summary.sweep[summary.winner].secondsPerStep;
    writeJsonAtomic(path.join(s.work, 'summary.json'), summary);
    await exportPhase(s, summary, options);
  },
};
