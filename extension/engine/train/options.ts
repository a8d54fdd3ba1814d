// Everything that defines a training run. The CLI, the worker and the extension fill this in; the
// defaults follow small-GPT practice (nanoGPT's Shakespeare-char and TinyStories recipes).

import type { GPTConfig } from '../gpt/config';
import { blockShape, isLlamaConfig, maxContext, type TrainableConfig } from './trainableConfig';
import type { OptimizerSettings } from './optimizerGraph';

export interface LoraSettings {
  readonly rank: number;
  readonly alpha: number;
  /** Which matrices get adapters, by their last name parts: 'attn.c_attn', 'attn.c_proj', 'mlp.c_fc', 'mlp.c_proj'. */
  readonly targets: readonly string[];
}

/** What the run learns from: plain text (pretraining), conversations (SFT) or preference pairs (DPO). */
export type TrainingObjective =
  | { readonly kind: 'text' }
  /** dataPath is chat JSONL; the loss counts the assistant's tokens, or every token with allTokens. */
  | { readonly kind: 'sft'; readonly allTokens: boolean }
  /** dataPath is {"prompt","chosen","rejected"} JSONL; β scales the implicit reward. */
  | { readonly kind: 'dpo'; readonly beta: number };

export interface TrainOptions {
  /** Default: plain text. */
  readonly objective?: TrainingObjective;
  /** A text file, or a folder of .txt/.md files. */
  readonly dataPath: string;
  /** Validation text (file or folder); when absent, the last `validationFraction` of the data is held out. */
  readonly validationPath?: string;
  /** tokenizer.json, or a folder holding one. */
  readonly tokenizerPath: string;
  /**
   * Learn a new byte-level BPE of this many tokens from the training data first (written to
   * <outDir>/tokenizer, reused on resume) and use it instead of tokenizerPath; a new model's
   * vocab_size follows it.
   */
  readonly trainTokenizer?: { readonly vocabSize: number };
  /** Checkpoints go to <outDir>/last and <outDir>/best, each a complete model folder. */
  readonly outDir: string;
  /** Architecture of a new model; ignored when resuming or fine-tuning (the folder's config is used). */
  readonly model: TrainableConfig;
  /** Start from this model folder's weights instead of random ones (fine-tuning, LoRA). */
  readonly baseModel?: string;
  readonly lora?: LoraSettings;
  /** Continue from <outDir>/last (weights, optimizer state, step, data position) when it exists; start afresh otherwise. */
  readonly resume: boolean;
  /** Optimizer steps in total (a resumed run continues up to this count). */
  readonly steps: number;
  /** Passes over the training tokens; when given, it sets the step count instead of `steps`. */
  readonly epochs?: number;
  readonly batchSize: number;
  /** Tokens per sequence, at most model.n_positions. */
  readonly contextLength: number;
  readonly learningRate: number;
  readonly warmupSteps: number;
  /** Final learning rate as a fraction of the peak. */
  readonly minLearningRateRatio: number;
  readonly schedule: 'cosine' | 'constant';
  readonly optimizer: OptimizerSettings;
  /** Global gradient-norm clip (0 disables it). */
  readonly maxGradNorm: number;
  readonly decayEmbeddings: boolean;
  /** Dropout probability during training steps, GPT-2 only (default 0); validation runs without it. */
  readonly dropout?: number;
  readonly seed: number;
  /** Fraction of the token stream held out for validation. */
  readonly validationFraction: number;
  /** Measure validation loss every this many steps (0: never), over at most `validationBatches` batches. */
  readonly evalEvery: number;
  readonly validationBatches: number;
  /** Generate a sample every this many steps (0: never). */
  readonly sampleEvery: number;
  readonly samplePrompt: string;
  readonly sampleTokens: number;
  /** 0 is greedy; above 0, seeded sampling at this temperature. */
  readonly sampleTemperature: number;
  /** Write <outDir>/last every this many steps (and always at the end). */
  readonly checkpointEvery: number;
  /** Where token streams are cached (default <outDir>/token-cache); a sweep's runs share one. */
  readonly tokenCacheDir?: string;
  /** ONNX Runtime threads (default: all cores). */
  readonly threads?: number;
}

/** Model sizes by name. `tiny` trains in minutes on a laptop; `small` is the bundled TinyStories model's size. */
export const MODEL_PRESETS: Readonly<Record<string, Omit<GPTConfig, 'vocab_size'>>> = {
  tiny: { n_layer: 2, n_head: 2, n_embd: 64, n_positions: 128, layer_norm_epsilon: 1e-5 },
  small: { n_layer: 4, n_head: 4, n_embd: 128, n_positions: 256, layer_norm_epsilon: 1e-5 },
  medium: { n_layer: 6, n_head: 6, n_embd: 384, n_positions: 256, layer_norm_epsilon: 1e-5 },
};

export function defaultTrainOptions(required: Pick<TrainOptions, 'dataPath' | 'tokenizerPath' | 'outDir' | 'model'>): TrainOptions {
  return {
    ...required,
    resume: false,
    steps: 1000,
    batchSize: 16,
    contextLength: maxContext(required.model),
    learningRate: 1e-3,
    warmupSteps: 50,
    minLearningRateRatio: 0.1,
    schedule: 'cosine',
    optimizer: { kind: 'adamw', beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: 0.1 },
    maxGradNorm: 1,
    decayEmbeddings: false,
    seed: 1337,
    validationFraction: 0.1,
    evalEvery: 100,
    validationBatches: 8,
    sampleEvery: 200,
    samplePrompt: '',
    sampleTokens: 48,
    sampleTemperature: 0.8,
    checkpointEvery: 250,
  };
}

/** Throws with a message naming the option when a value cannot work. */
export function checkTrainOptions(o: TrainOptions): void {
  const positive = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a whole number ≥ 1 (got ${v})`);
  };
  positive('steps', o.steps);
  positive('batch size', o.batchSize);
  positive('context length', o.contextLength);
  const block = blockShape(o.model);
  // Each setting by its config.json name: GPT-2's, or a Llama's.
  const [layers, heads, width, positions] = isLlamaConfig(o.model)
    ? ['num_hidden_layers', 'num_attention_heads', 'hidden_size', 'max_position_embeddings']
    : ['n_layer', 'n_head', 'n_embd', 'n_positions'];
  positive(layers, block.layers);
  positive(heads, block.heads);
  positive(width, block.width);
  positive('vocab_size', o.model.vocab_size);
  if (block.width % block.heads !== 0) throw new Error(`${width} (${block.width}) must be a multiple of ${heads} (${block.heads})`);
  if (o.contextLength > maxContext(o.model)) throw new Error(`context length ${o.contextLength} exceeds the model's ${positions} ${maxContext(o.model)}`);
  if (isLlamaConfig(o.model) && o.lora) throw new Error('LoRA adapts GPT-2 models only; train the Llama fully');
  if (o.epochs !== undefined && !(o.epochs > 0)) throw new Error(`epochs must be > 0 (got ${o.epochs})`);
  if (!(o.learningRate > 0)) throw new Error(`learning rate must be > 0 (got ${o.learningRate})`);
  if (o.dropout !== undefined && !(o.dropout >= 0 && o.dropout < 1)) throw new Error(`dropout must be in [0, 1) (got ${o.dropout})`);
  if (o.dropout && isLlamaConfig(o.model)) throw new Error('dropout applies to GPT-2 models; the Llama family trains without it');
  if (!(o.validationFraction >= 0 && o.validationFraction < 1)) throw new Error(`validation fraction must be in [0, 1) (got ${o.validationFraction})`);
  if (o.lora && !o.baseModel) throw new Error('LoRA needs a base model folder to adapt (baseModel)');
  if (o.lora) positive('LoRA rank', o.lora.rank);
  if (o.objective && o.objective.kind !== 'text' && !o.baseModel && !o.resume) throw new Error(`${o.objective.kind.toUpperCase()} fine-tunes a base model: give its folder (baseModel)`);
  if (o.objective?.kind === 'dpo' && !(o.objective.beta > 0)) throw new Error(`DPO β must be > 0 (got ${o.objective.beta})`);
  if (o.trainTokenizer && !(Number.isInteger(o.trainTokenizer.vocabSize) && o.trainTokenizer.vocabSize > 257)) {
    throw new Error(`a trained tokenizer needs more than 257 tokens (256 bytes and <|endoftext|>), got ${o.trainTokenizer.vocabSize}`);
  }
}
