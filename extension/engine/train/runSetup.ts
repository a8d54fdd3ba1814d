// Everything a run needs before its first step, shared by train() and the estimate shown before a
// run starts: the tokenizer, where the weights come from (a checkpoint to resume, a base model to
// fine-tune, or random), the token stream split into training and validation parts, the batch
// sampler, the step count and the memory the run will need.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TensorMap } from '../gpt/tensor';
import { readGPT2Weights } from '../modelFolder/gpt2Weights';
import { readLlamaWeights } from '../modelFolder/llamaWeights';
import { readModelFolder } from '../modelFolder/readModelFolder';
import { writeFileAtomic } from '../modelFolder/atomicWrite';
import { loadTokenizerFile } from '../tokenizer/loadTokenizerFile';
import { trainBpeOnCorpus } from '../tokenizer/trainOnCorpus';
import { writeTrainedTokenizer } from '../tokenizer/trainedTokenizerFiles';
import { gptOnly, maxContext, totalParameters, type TrainableConfig } from './trainableConfig';
import { initialWeights } from './architecture';
import { resolveFolder } from './atomicFolder';
import { loadCheckpoint, type TrainingState } from './checkpoint';
import { BatchSampler, DataError, listTextFiles, splitTrainValidation, validationBatches, type Batch, type TokenSplit } from './dataset';
import { loadChatExamples } from './instruct/chatExamples';
import { ExampleSampler, exampleValidationBatches } from './instruct/sftBatches';
import { initAdapters, loraOverlay } from './lora';
import { trainingMemory, type MemoryEstimate } from './memoryEstimate';
import { bestFolder, lastFolder } from './runFolders';
import { checkTrainOptions, type LoraSettings, type TrainOptions } from './options';
import { StepRunner } from './stepRunner';
import { loadTokenStreamCached, tokenCacheKey } from './tokenCache';

export { bestFolder, lastFolder };

const toMap = (weights: TensorMap): Map<string, Float32Array> => new Map([...weights].map(([n, t]) => [n, t.data]));

export interface Start {
  readonly config: TrainableConfig;
  /** Full model weights: trained ones, or the frozen base under LoRA. */
  readonly weights: TensorMap;
  readonly adapters?: Map<string, Float32Array>;
  readonly optimizerState?: ReadonlyMap<string, Float32Array>;
  readonly state?: TrainingState;
}

/** A fresh run never replaces the checkpoints of an earlier one: the user resumes it or picks another folder. */
export function refuseToOverwrite(options: TrainOptions): void {
  if (options.resume) return;
  for (const folder of [lastFolder(options.outDir), bestFolder(options.outDir)]) {
    if (resolveFolder(folder)) {
      throw new Error(`${folder}: holds a checkpoint of an earlier run, which a new run would replace. Resume that run (--resume), or choose an empty output folder.`);
    }
  }
}

/** Where the run starts: a checkpoint (resume), a base model (fine-tune, LoRA) or random weights. */
export function startingPoint(options: TrainOptions): Start {
  if (options.resume && resolveFolder(lastFolder(options.outDir))) {
    const ckpt = loadCheckpoint(lastFolder(options.outDir));
    if (ckpt.state.lora) {
      const base = startingPoint({ ...options, resume: false, baseModel: ckpt.state.baseModel ?? options.baseModel, lora: ckpt.state.lora });
      return { config: ckpt.config, weights: base.weights, adapters: new Map(ckpt.adapters), optimizerState: ckpt.optimizerState, state: ckpt.state };
    }
    return { config: ckpt.config, weights: ckpt.weights, optimizerState: ckpt.optimizerState, state: ckpt.state };
  }
  if (options.baseModel) {
    const folder = readModelFolder(options.baseModel);
    if (folder.llama && folder.llamaWeights && !options.lora) return { config: folder.llama, weights: readLlamaWeights(folder.llamaWeights, folder.llama) };
    if (!folder.gpt2 || !folder.safetensorsFile) throw new Error(`${options.baseModel}: only GPT-2 folders with model.safetensors (or Llama folders with safetensors, without LoRA) can be trained further`);
    const weights = readGPT2Weights(folder.safetensorsFile, folder.gpt2.gpt);
    const adapters = options.lora ? initAdapters(folder.gpt2.gpt, options.lora, options.seed) : undefined;
    return { config: folder.gpt2.gpt, weights, adapters };
  }
  return { config: options.model, weights: initialWeights(options.model, options.seed) };
}

/**
 * <outDir>/tokenizer/tokenizer.json, learned from the training data. It is learned again only when
 * the data or the vocabulary size changed (learned-from.txt keeps the key), so a resumed run keeps
 * its tokenizer and a folder reused for estimates never serves another data set's.
 */
function trainedTokenizer(options: TrainOptions): string {
  const vocabSize = options.trainTokenizer?.vocabSize ?? 0;
  const dir = path.join(options.outDir, 'tokenizer');
  const file = path.join(dir, 'tokenizer.json');
  const stamp = path.join(dir, 'learned-from.txt');
  const key = tokenCacheKey(options.dataPath, { bpeVocabSize: vocabSize });
  if (fs.existsSync(file) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === key) return file;
  const { bpe } = trainBpeOnCorpus(options.dataPath, { vocabSize, specialTokens: ['<|endoftext|>'] });
  const written = writeTrainedTokenizer(dir, bpe).tokenizerJson;
  writeFileAtomic(stamp, key);
  return written;
}

type Data = Pick<PreparedRun, 'split' | 'sampler' | 'validation'>;

/** Pretraining data: the token stream of the text, cut into windows. */
function textData(options: TrainOptions, tokenizer: PreparedRun['tokenizer'], T: number, B: number): Data {
  const cacheDir = options.tokenCacheDir ?? path.join(options.outDir, 'token-cache');
  const stream = loadTokenStreamCached(options.dataPath, tokenizer, cacheDir);
  // Each file adds the blank line that separates documents, so text-free data is two tokens per file at most.
  if (stream.length <= 2 * listTextFiles(options.dataPath).length) throw new DataError(options.dataPath, 'holds no text to train on');
  const split = options.validationPath
    ? { train: stream, validation: loadTokenStreamCached(options.validationPath, tokenizer, cacheDir) }
    : splitTrainValidation(stream, options.validationFraction, T, options.dataPath);
  const sampler = new BatchSampler(split.train, B, T, options.seed);
  const validation = split.validation.length > T ? validationBatches(split.validation, B, T, options.validationBatches) : [];
  return { split, sampler, validation };
}

/** SFT data: one rendered conversation per row, the loss on the masked tokens; held out: validationPath, or the last fraction of the file. */
function conversationData(options: TrainOptions, tokenizer: PreparedRun['tokenizer'], T: number, B: number, allTokens: boolean): Data {
  const settings = { contextLength: T, allTokens };
  const all = loadChatExamples(options.dataPath, tokenizer, settings);
  const heldOut = options.validationPath ? loadChatExamples(options.validationPath, tokenizer, settings) : all.slice(all.length - Math.floor(all.length * options.validationFraction));
  const train = options.validationPath ? all : all.slice(0, all.length - heldOut.length);
  if (train.length === 0) throw new DataError(options.dataPath, 'leaves no conversation to train on after the held-out part');
  const padId = tokenizer.specialTokens.get('<|endoftext|>') ?? 0;
  const tokens = (examples: typeof all) => Uint32Array.from(examples.flatMap((e) => e.ids));
  return {
    split: { train: tokens(train), validation: tokens(heldOut) },
    sampler: new ExampleSampler(train, B, T, options.seed, padId),
    validation: exampleValidationBatches(heldOut, B, T, padId, options.validationBatches),
  };
}

export interface PreparedRun {
  readonly tokenizer: Awaited<ReturnType<typeof loadTokenizerFile>>;
  readonly start: Start;
  readonly config: TrainableConfig;
  readonly lora?: LoraSettings;
  /** Tokens per sequence and sequences per batch. */
  readonly T: number;
  readonly B: number;
  readonly split: TokenSplit;
  readonly sampler: Pick<BatchSampler, 'batchAt' | 'stepsPerEpoch'>;
  readonly validation: readonly Batch[];
  readonly totalSteps: number;
  readonly trainableCount: number;
  readonly memory: MemoryEstimate;
}

export async function prepareRun(options: TrainOptions): Promise<PreparedRun> {
  checkTrainOptions(options);
  const tokenizer = await loadTokenizerFile(options.trainTokenizer ? trainedTokenizer(options) : options.tokenizerPath);
  const start = startingPoint(options.trainTokenizer ? { ...options, model: { ...options.model, vocab_size: tokenizer.vocabSize } } : options);
  const { config } = start;
  if (tokenizer.vocabSize > config.vocab_size) {
    throw new Error(`${options.tokenizerPath}: the tokenizer has ${tokenizer.vocabSize} tokens but the model only ${config.vocab_size} (vocab_size)`);
  }
  const lora = start.state?.lora ?? options.lora;
  const T = Math.min(options.contextLength, maxContext(config));
  const B = options.batchSize;

  const { split, sampler, validation } = options.objective?.kind === 'sft' ? conversationData(options, tokenizer, T, B, options.objective.allTokens) : textData(options, tokenizer, T, B);
  const totalSteps = options.epochs === undefined ? options.steps : Math.max(1, Math.ceil(options.epochs * sampler.stepsPerEpoch));

  const trainableCount = lora ? [...(start.adapters?.values() ?? [])].reduce((n, a) => n + a.length, 0) : totalParameters(config);
  const memory = trainingMemory(config, B, T, options.optimizer.kind, trainableCount);
  return { tokenizer, start, config, lora, T, B, split, sampler, validation, totalSteps, trainableCount, memory };
}

/** The step runner for a prepared run, holding its starting weights (and LoRA adapters, and optimizer state when resuming). */
export async function createStepRunner(run: PreparedRun, options: TrainOptions): Promise<StepRunner> {
  const { start, config, lora, T, B } = run;
  const initial = toMap(start.weights);
  for (const [name, data] of start.adapters ?? []) initial.set(name, data);
  return StepRunner.create({
    config, batchSize: B, contextLength: T, optimizer: options.optimizer, threads: options.threads, decayEmbeddings: options.decayEmbeddings,
    // The masks are drawn afresh each step from the run's seed; a resumed run starts their sequence over.
    ...(options.dropout ? { dropout: { ratio: options.dropout, seed: options.seed } } : {}),
    ...(lora ? { overlay: loraOverlay(gptOnly(config, 'LoRA'), lora), trainable: [...(start.adapters?.keys() ?? [])] } : {}),
  }, initial, start.optimizerState);
}

