// The messages between the Model Size Calculator (Step 8, webview) and its controller in the
// extension host. The webview asks for one architecture's figures; the host reads the config
// (the bundled model's, the active model's, a preset's or the typed values) and answers with
// the engine's calculation (extension/engine/scaling/).
import * as v from 'valibot';
import { guardOf, message, numberIn, oneOf, panelRequests, text, whole, type KitNotification, type Message } from '../shared/protocol';

export const CALCULATOR_VIEW_TYPE = 'llmPipeline.calculator';

export const SOURCES = ['bundled', 'active', 'preset', 'typed'] as const;
export const TYPED_MODEL_TYPES = ['gpt2', 'llama', 'qwen2'] as const;
export const SERVING_DTYPES = ['fp32', 'bf16', 'fp16', 'int8', 'int4'] as const;

/** An architecture typed into the form, in config.json's terms. */
const typed = v.strictObject({
  modelType: oneOf(TYPED_MODEL_TYPES),
  layers: whole(1, 1024),
  hidden: whole(1, 65_536),
  heads: whole(1, 1024),
  kvHeads: whole(1, 1024),
  intermediate: whole(1, 1_048_576),
  vocab: whole(1, 4_194_304),
  context: whole(1, 16_777_216),
  tied: v.boolean(),
});
export type TypedArchitecture = v.InferOutput<typeof typed>;

/** What is asked of the architecture; 0 means "the default" (the model's context, 20 tokens per parameter, C of this run). */
const question = v.strictObject({
  context: whole(0, 16_777_216),
  trainingTokens: numberIn(0, 1e18),
  batch: whole(1, 65_536),
  servingDtype: oneOf(SERVING_DTYPES),
  budget: numberIn(0, 1e30),
});
export type SizeQuestionView = v.InferOutput<typeof question>;

const form = v.strictObject({ source: oneOf(SOURCES), preset: text(40), typed, question });
export type CalculatorForm = v.InferOutput<typeof form>;

const panelState = v.strictObject({ form });
export type CalculatorPanelState = v.InferOutput<typeof panelState>;

const requests = panelRequests(panelState, [message('calculate', v.strictObject({ form }))]);
export type CalculatorRequest = v.InferOutput<typeof requests>;
export const isCalculatorRequest = guardOf(requests);

// ---- host → webview

export interface PresetView {
  readonly id: string;
  readonly label: string;
  /** The config.json on the Hugging Face Hub the preset copies. */
  readonly source: string;
}

export interface SetupView {
  readonly presets: readonly PresetView[];
  /** The active model folder, or undefined when it is the bundled one. */
  readonly activeFolder?: string;
  readonly defaults: CalculatorForm;
}

export interface MemoryView {
  readonly weights: number;
  readonly gradients: number;
  readonly adamMoments: number;
  readonly masterWeights: number;
  readonly activations: number;
  readonly total: number;
}

/** Every figure of one architecture (engine/scaling/modelSizes.ts), as plain numbers. */
export interface SizesView {
  /** What was measured, in words, and where its config came from (a path or a Hub address). */
  readonly label: string;
  readonly source: string;
  readonly architecture: {
    readonly modelType: string;
    readonly layers: number;
    readonly hiddenSize: number;
    readonly heads: number;
    readonly kvHeads: number;
    readonly headDim: number;
    readonly intermediateSize: number;
    readonly vocabSize: number;
    readonly contextLength: number;
    readonly tiedEmbeddings: boolean;
  };
  readonly context: number;
  readonly batch: number;
  readonly parameters: number;
  readonly nonEmbeddingParameters: number;
  readonly embeddingParameters: number;
  readonly forward: { readonly matrices: number; readonly logits: number; readonly attention: number; readonly total: number };
  readonly trainingFlopsPerToken: number;
  readonly trainingTokens: number;
  readonly trainingCompute: number;
  readonly trainingMemory: Readonly<Record<'fp32' | 'bf16' | 'fp16', MemoryView>>;
  readonly kvCacheBytesPerToken: number;
  readonly servingDtype: string;
  readonly serving: { readonly weights: number; readonly kvCache: number; readonly total: number };
  readonly computeBudget: number;
  readonly chinchilla: { readonly parameters: number; readonly tokens: number };
}

export type CalculatorNotification = Message<'setup', SetupView> | Message<'sizes', SizesView> | KitNotification;
