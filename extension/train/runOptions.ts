// The training panel's form → the engine's TrainOptions. Plain data in, plain data out (no vscode),
// so unit tests can check every choice. The engine checks the result again (checkTrainOptions)
// and refuses what cannot work, naming the setting.

import * as path from 'node:path';
import { trainingMemory } from '../engine/train/memoryEstimate';
import { isLlamaConfig, llamaLike, totalParameters, trainingFlops, type TrainableConfig } from '../engine/train/trainableConfig';
import { defaultTrainOptions, MODEL_PRESETS, type TrainOptions } from '../engine/train/options';
import { BYTE_VOCAB_SIZE } from '../engine/train/byteTokenizer';
import { type ArchitectureChoice, PRESET_NAMES, type Objective, type PresetFigures, type PresetView, type TrainingSettings } from '../../webviews/training/protocol';

/** The active model, as far as the form needs it. */
export interface ActiveModelFacts {
  readonly folder: string;
  readonly config: TrainableConfig;
}

export interface RunPlace {
  readonly dataPath: string;
  readonly outDir: string;
  /** Where the byte tokenizer is written when the form asks for bytes. */
  readonly byteTokenizerPath: string;
  /** Held-out data given with the data (the shipped SFT and DPO sets have theirs); else a share of the data is held out. */
  readonly validationPath?: string;
}

/** The form's starting values: the tiny preset on the active model's tokenizer, a run of about a minute on two cores. */
export const DEFAULT_SETTINGS: TrainingSettings = {
  model: 'preset',
  architecture: 'gpt2',
  preset: 'tiny',
  nLayer: 2,
  nHead: 2,
  nEmbd: 64,
  nPositions: 128,
  tokenizer: 'active',
  bpeVocab: 1024,
  learningRate: 3e-3,
  warmupSteps: 20,
  schedule: 'cosine',
  batchSize: 16,
  contextLength: 128,
  lengthUnit: 'steps',
  steps: 200,
  epochs: 1,
  weightDecay: 0.1,
  maxGradNorm: 1,
  seed: 1337,
  validationFraction: 0.1,
  evalEvery: 20,
  sampleEvery: 50,
  samplePrompt: 'Once upon a time',
  // Hu et al. 2021 adapt attention's matrices with r = 8; α = 2r is the common choice.
  lora: false,
  loraRank: 8,
  loraAlpha: 16,
  loraTargets: ['attn.c_attn', 'attn.c_proj'],
  objective: 'text',
  allTokens: false,
  // Rafailov et al. 2023 and TRL use β = 0.1.
  dpoBeta: 0.1,
};

/**
 * What choosing an objective in the form sets besides it: fine-tuning the bundled model on the
 * shipped sets takes a lower rate than pretraining from random weights, and a context that holds a
 * rendered instruction and its story (the README's `train --sft` and `train --dpo` commands).
 */
export const OBJECTIVE_DEFAULTS: Readonly<Record<Objective, Partial<TrainingSettings>>> = {
  text: {
    learningRate: DEFAULT_SETTINGS.learningRate, batchSize: DEFAULT_SETTINGS.batchSize, contextLength: DEFAULT_SETTINGS.contextLength, steps: DEFAULT_SETTINGS.steps, lengthUnit: 'steps',
    warmupSteps: DEFAULT_SETTINGS.warmupSteps, evalEvery: DEFAULT_SETTINGS.evalEvery, sampleEvery: DEFAULT_SETTINGS.sampleEvery, samplePrompt: DEFAULT_SETTINGS.samplePrompt,
  },
  sft: { learningRate: 1e-3, batchSize: 8, contextLength: 192, steps: 300, lengthUnit: 'steps', warmupSteps: 20, evalEvery: 100, sampleEvery: 50, samplePrompt: 'User: Write a story about Mia.\nAssistant:' },
  dpo: { learningRate: 5e-5, batchSize: 4, contextLength: 192, steps: 60, lengthUnit: 'steps', warmupSteps: 10, evalEvery: 20, dpoBeta: 0.5 },
};

/** SFT and DPO fine-tune the active model: they continue it, as "continue training" does. */
const continues = (settings: TrainingSettings): boolean => settings.model === 'continue' || settings.objective !== 'text';

/** The engine's objective for the form's choice. */
export function objectiveFrom(settings: TrainingSettings): NonNullable<TrainOptions['objective']> {
  if (settings.objective === 'sft') return { kind: 'sft', allTokens: settings.allTokens };
  if (settings.objective === 'dpo') return { kind: 'dpo', beta: settings.dpoBeta };
  return { kind: 'text' };
}

/** LoRA's settings when the form asks for them: only on top of the active model (it adapts a trained model). */
export function loraFrom(settings: TrainingSettings): TrainOptions['lora'] {
  if (!continues(settings) || !settings.lora) return undefined;
  return { rank: settings.loraRank, alpha: settings.loraAlpha, targets: settings.loraTargets };
}

function vocabSize(settings: TrainingSettings, active: ActiveModelFacts): number {
  if (settings.tokenizer === 'bytes') return BYTE_VOCAB_SIZE;
  if (settings.tokenizer === 'bpe') return settings.bpeVocab;
  return active.config.vocab_size;
}

/** The architecture the form describes (for "continue", the active model's own). */
export function modelConfig(settings: TrainingSettings, active: ActiveModelFacts): TrainableConfig {
  if (continues(settings)) return active.config;
  const shape = settings.model === 'preset'
    ? MODEL_PRESETS[settings.preset]
    : { n_layer: settings.nLayer, n_head: settings.nHead, n_embd: settings.nEmbd, n_positions: settings.nPositions, layer_norm_epsilon: 1e-5 };
  return sized(settings, shape, vocabSize(settings, active));
}

/** A new model of this size in the form's architecture: GPT-2, or the Llama with as many parameters per block. */
function sized(settings: TrainingSettings, shape: (typeof MODEL_PRESETS)[string], vocab: number): TrainableConfig {
  return settings.architecture === 'llama' ? llamaLike(shape, vocab) : { ...shape, vocab_size: vocab };
}

export function trainOptionsFrom(settings: TrainingSettings, active: ActiveModelFacts, place: RunPlace): TrainOptions {
  const model = modelConfig(settings, active);
  const continuing = continues(settings);
  // Continuing keeps the model's own tokenizer: its embeddings are indexed by those ids.
  const tokenizerPath = continuing || settings.tokenizer === 'active' ? active.folder : place.byteTokenizerPath;
  const defaults = defaultTrainOptions({ dataPath: place.dataPath, tokenizerPath, outDir: place.outDir, model });
  return {
    ...defaults,
    objective: objectiveFrom(settings),
    validationPath: place.validationPath,
    trainTokenizer: !continuing && settings.tokenizer === 'bpe' ? { vocabSize: settings.bpeVocab } : undefined,
    baseModel: continuing ? active.folder : undefined,
    // LoRA and DPO adapt GPT-2's matrices; the form offers neither on a Llama.
    lora: isLlamaConfig(model) ? undefined : loraFrom(settings),
    steps: settings.steps,
    // DPO counts steps only (its loop has no epoch setting).
    epochs: settings.lengthUnit === 'epochs' && settings.objective !== 'dpo' ? settings.epochs : undefined,
    batchSize: settings.batchSize,
    contextLength: settings.contextLength,
    learningRate: settings.learningRate,
    warmupSteps: settings.warmupSteps,
    schedule: settings.schedule,
    optimizer: { kind: 'adamw', beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: settings.weightDecay },
    maxGradNorm: settings.maxGradNorm,
    seed: settings.seed,
    validationFraction: settings.validationFraction,
    evalEvery: settings.evalEvery,
    sampleEvery: settings.sampleEvery,
    samplePrompt: settings.samplePrompt,
    checkpointEvery: 50,
  };
}

/** Each preset's size in each architecture with the chosen tokenizer: parameters, FLOPs per token and memory at the form's batch. */
export function presetViews(settings: TrainingSettings, active: ActiveModelFacts): PresetView[] {
  return PRESET_NAMES.map((name) => {
    const p = MODEL_PRESETS[name];
    const context = Math.min(settings.contextLength, p.n_positions);
    const figures = (architecture: ArchitectureChoice): PresetFigures => {
      const config = sized({ ...settings, architecture }, p, vocabSize(settings, active));
      return {
        parameters: totalParameters(config),
        flopsPerToken: trainingFlops(config, (context + 1) / 2),
        memoryBytes: trainingMemory(config, settings.batchSize, context, 'adamw').totalBytes,
      };
    };
    return { name, nLayer: p.n_layer, nHead: p.n_head, nEmbd: p.n_embd, nPositions: p.n_positions, figures: { gpt2: figures('gpt2'), llama: figures('llama') } };
  });
}

/** The run folder's byte tokenizer path. */
export const byteTokenizerIn = (outDir: string): string => path.join(outDir, 'byte-tokenizer', 'tokenizer.json');
