// The messages between the training panel (Step 4, webview) and its controller in the extension
// host. Requests are declared once as valibot schemas (type and guard from one declaration, see
// ../shared/protocol.ts); what the host sends is trusted and declared as plain types.
import * as v from 'valibot';
import { empty, guardOf, message, numberIn, oneOf, panelRequests, text, whole, type KitNotification, type Message } from '../shared/protocol';

export const TRAINING_VIEW_TYPE = 'llmPipeline.training';

export const PRESET_NAMES = ['tiny', 'small', 'medium'] as const;
export const TOKENIZER_CHOICES = ['active', 'bytes', 'bpe'] as const;
export const MODEL_CHOICES = ['preset', 'custom', 'continue'] as const;
export const SCHEDULES = ['cosine', 'constant'] as const;
export const LENGTH_UNITS = ['steps', 'epochs'] as const;
/** A new model's architecture: GPT-2 (LayerNorm, learned positions, GELU) or Llama-style (RMSNorm, RoPE, SwiGLU, grouped-query attention). */
export const ARCHITECTURES = ['gpt2', 'llama'] as const;
export type ArchitectureChoice = (typeof ARCHITECTURES)[number];
/** What a run learns: plain text (pretraining), chat conversations (SFT) or preference pairs (DPO). */
export const OBJECTIVES = ['text', 'sft', 'dpo'] as const;
export type Objective = (typeof OBJECTIVES)[number];
/** The matrices LoRA can adapt (the engine's LORA_TARGETS): attention's QKV and output, the MLP's two projections. */
export const LORA_TARGET_CHOICES = ['attn.c_attn', 'attn.c_proj', 'mlp.c_fc', 'mlp.c_proj'] as const;

/** Everything the form sets; the host turns it into the engine's TrainOptions and checks it again. */
const settings = v.strictObject({
  model: oneOf(MODEL_CHOICES),
  // Optional with a default, so forms saved before the Llama preset existed still restore.
  architecture: v.optional(oneOf(ARCHITECTURES), 'gpt2'),
  preset: oneOf(PRESET_NAMES),
  nLayer: whole(1, 48),
  nHead: whole(1, 64),
  nEmbd: whole(8, 4096),
  nPositions: whole(8, 8192),
  tokenizer: oneOf(TOKENIZER_CHOICES),
  bpeVocab: whole(258, 65_536),
  learningRate: numberIn(1e-6, 1),
  warmupSteps: whole(0, 1_000_000),
  schedule: oneOf(SCHEDULES),
  batchSize: whole(1, 1024),
  contextLength: whole(8, 8192),
  lengthUnit: oneOf(LENGTH_UNITS),
  steps: whole(1, 10_000_000),
  epochs: numberIn(0.01, 10_000),
  weightDecay: numberIn(0, 1),
  maxGradNorm: numberIn(0, 1000),
  seed: whole(0, 2 ** 31 - 1),
  validationFraction: numberIn(0, 0.5),
  evalEvery: whole(0, 1_000_000),
  sampleEvery: whole(0, 1_000_000),
  samplePrompt: text(500),
  // LoRA applies when continuing the active model. Optional with defaults, so forms saved before
  // these fields existed still restore.
  lora: v.optional(v.boolean(), false),
  loraRank: v.optional(whole(1, 256), 8),
  loraAlpha: v.optional(numberIn(0.01, 1024), 16),
  loraTargets: v.optional(v.pipe(v.array(oneOf(LORA_TARGET_CHOICES)), v.minLength(1), v.maxLength(LORA_TARGET_CHOICES.length)), ['attn.c_attn', 'attn.c_proj']),
  // SFT and DPO fine-tune the active model (fully, or with LoRA) on their own JSONL data.
  objective: v.optional(oneOf(OBJECTIVES), 'text'),
  /** SFT: the loss on every token of the rendered conversation, not only the assistant's. */
  allTokens: v.optional(v.boolean(), false),
  /** DPO's β: how strongly the implicit reward β·log(πθ/π_ref) is scaled (and the policy held near π_ref). */
  dpoBeta: v.optional(numberIn(0.001, 100), 0.1),
});
export type TrainingSettings = v.InferOutput<typeof settings>;

/** What the webview keeps across reloads: the form. The run itself lives in the host and on disk. */
const panelState = v.strictObject({ settings, logScale: v.boolean() });
export type TrainingPanelState = v.InferOutput<typeof panelState>;

const trainingRequests = panelRequests(panelState, [
  message('chooseData', v.strictObject({ kind: oneOf(['file', 'folder', 'sample'] as const), objective: v.optional(oneOf(OBJECTIVES), 'text') })),
  message('previewData', v.strictObject({ settings })),
  message('estimate', v.strictObject({ settings })),
  message('start', v.strictObject({ settings })),
  message('pause', empty),
  message('resume', empty),
  message('stop', empty),
  message('useCheckpoint', v.strictObject({ which: oneOf(['last', 'best'] as const) })),
  message('compareWithBase', v.strictObject({ which: oneOf(['last', 'best'] as const) })),
  message('openRunFolder', empty),
  message('exportPyTorch', empty),
]);
export type TrainingRequest = v.InferOutput<typeof trainingRequests>;

/** The guard the panel kit applies to every message from the training webview. */
export const isTrainingRequest = guardOf(trainingRequests);

// ---- host → webview

export interface DataView {
  /** e.g. "stories.txt (sample)", "notes/ (12 files)", "selection in story.md (2,310 characters)". */
  readonly label: string;
  readonly kind: 'file' | 'folder' | 'selection' | 'sample';
}

export interface PresetFigures {
  /** With the chosen tokenizer's vocabulary. */
  readonly parameters: number;
  readonly flopsPerToken: number;
  readonly memoryBytes: number;
}

export interface PresetView {
  readonly name: (typeof PRESET_NAMES)[number];
  readonly nLayer: number;
  readonly nHead: number;
  readonly nEmbd: number;
  readonly nPositions: number;
  /** The preset's size in each architecture; the form shows the one chosen. */
  readonly figures: Readonly<Record<ArchitectureChoice, PresetFigures>>;
}

export interface SetupView {
  /** The data of each objective (pretraining text, SFT conversations, DPO pairs). */
  readonly data?: DataView;
  readonly instructData: { readonly sft?: DataView; readonly dpo?: DataView };
  /** Whether the shipped SFT and DPO sets are in this install (a clone has them; the VSIX leaves them out). */
  readonly instructSamples: { readonly sft: boolean; readonly dpo: boolean };
  /** The active model, for "continue training" and the tokenizer choice "the active model's". */
  readonly activeModel: { readonly label: string; readonly folder: string; readonly vocabSize: number; readonly nPositions: number; readonly architecture: ArchitectureChoice };
  readonly presets: readonly PresetView[];
  readonly defaults: TrainingSettings;
  /** What choosing each objective sets in the form besides it (rates and sizes that suit it). */
  readonly objectiveDefaults: Readonly<Record<Objective, Partial<TrainingSettings>>>;
}

export interface EstimateView {
  readonly files: number;
  readonly bytes: number;
  readonly vocabSize: number;
  readonly trainTokens: number;
  readonly validationTokens: number;
  readonly parameters: number;
  readonly trainableParameters: number;
  /** The LoRA adapter's size on disk (both files of adapter/), when the run trains one. */
  readonly adapterBytes?: number;
  readonly flopsPerToken: number;
  readonly totalSteps: number;
  readonly epochs: number;
  readonly tokensPerParameter: number;
  readonly chinchillaTokensPerParameter: number;
  readonly memoryBytes: number;
  readonly memoryLimitBytes: number;
  readonly secondsPerStep: number;
  readonly seconds: number;
}

/** A DPO step's measurements (the engine's PreferenceMetrics); rewards are β·(log πθ − log π_ref) of whole answers. */
export interface PreferenceView {
  readonly trainAccuracy: number;
  readonly trainMargin: number;
  readonly heldOut?: {
    readonly pairs: number;
    readonly loss: number;
    readonly accuracy: number;
    readonly chosenReward: number;
    readonly rejectedReward: number;
    readonly margin: number;
    /** Mean per-token KL(πθ ‖ π_ref) over held-out chosen answers, nats. */
    readonly kl: number;
  };
}

/** SFT or DPO data as the next run reads it (the engine's DataPreview). */
export type DataPreview =
  | {
      readonly kind: 'sft';
      readonly conversations: number;
      readonly line: number;
      /** The first conversation's tokens, each marked by whether it is a target of the loss. */
      readonly tokens: readonly { readonly text: string; readonly inLoss: boolean }[];
    }
  | { readonly kind: 'dpo'; readonly pairs: number; readonly skipped: readonly string[] };

export interface PointView {
  readonly step: number;
  readonly loss: number;
  readonly validationLoss?: number;
  readonly learningRate?: number;
  readonly gradNorm?: number;
  readonly layerGradNorms?: readonly number[];
  /** DPO runs: reward accuracy and margins, and the held-out measurements on the steps they were taken. */
  readonly preference?: PreferenceView;
}

export interface SampleView {
  readonly step: number;
  readonly prompt: string;
  readonly text: string;
}

export interface CheckpointView {
  readonly which: 'last' | 'best';
  readonly folder: string;
  readonly step: number;
  readonly validationLoss?: number;
}

export type RunStatus = 'starting' | 'running' | 'pausing' | 'paused' | 'stopping' | 'stopped' | 'finished' | 'failed';

export interface RunView {
  readonly folder: string;
  /** The architecture the run trains. */
  readonly architecture: ArchitectureChoice;
  readonly objective: Objective;
  /** What the data loader left out and why (DPO: pairs whose chosen equals rejected). */
  readonly notes: readonly string[];
  readonly status: RunStatus;
  /** Why it failed or stopped, in words. */
  readonly message?: string;
  readonly data: string;
  readonly step: number;
  readonly totalSteps: number;
  readonly stepsPerEpoch: number;
  readonly trainTokens: number;
  readonly parameters: number;
  readonly layers: readonly string[];
  readonly tokensPerSecond?: number;
  readonly mfu?: number;
  readonly etaSeconds?: number;
  /** Every step's loss (decimated for long runs), with the validation points and the schedule. */
  readonly points: readonly PointView[];
  readonly samples: readonly SampleView[];
  readonly checkpoints: readonly CheckpointView[];
  /** [step, learning rate] over the whole run, for drawing the schedule ahead of the current step. */
  readonly schedule: readonly (readonly [number, number])[];
}

export interface ComparisonView {
  readonly prompt: string;
  readonly seed: number;
  readonly columns: readonly { readonly label: string; readonly text: string }[];
}

export type TrainingNotification =
  | Message<'setup', SetupView>
  | Message<'estimate', EstimateView>
  | Message<'run', RunView | null>
  | Message<'comparison', ComparisonView>
  /** SFT or DPO data as the next run will read it. */
  | Message<'dataPreview', DataPreview>
  /** The form's settings chosen by a command (Fine-Tune with LoRA). */
  | Message<'settings', TrainingSettings>
  | KitNotification;
