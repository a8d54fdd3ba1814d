// The messages between the attention panel (webview) and its controller in the extension host.
// Both sides import this file. Everything the webview sends is checked by isAttentionRequest()
// before the host acts on it; what the host sends is trusted by the webview.
//
// Matrices travel as Float32Array: VS Code moves typed arrays to the webview as binary, and each
// one is a fresh array (never a view into a larger buffer, which would be copied whole).
import * as v from 'valibot';
import { empty, float32s, guardOf, int32s, message, numberIn, oneOf, panelRequests, text, whole, type KitNotification, type Message } from '../shared/protocol';

export const ATTENTION_VIEW_TYPE = 'llmPipeline.attention';

export type AttentionTab = 'heads' | 'lines' | 'embeddings' | 'lens' | 'norms' | 'model';
export const ATTENTION_TABS = ['heads', 'lines', 'embeddings', 'lens', 'norms', 'model'] as const satisfies readonly AttentionTab[];

/** The views that can be saved as an image. */
export type ExportView = 'grid' | 'heatmap' | 'lines' | 'embeddings' | 'lens' | 'norms';
export const EXPORT_VIEWS: readonly ExportView[] = ['grid', 'heatmap', 'lines', 'embeddings', 'lens', 'norms'];

/** The head index that stands for the mean over all heads of a layer. */
export const MEAN_HEAD = -1;

/** What the model is, as the Model tab lists it. Sizes the folder does not state are left out. */
export interface ModelFacts {
  readonly name: string;
  readonly dir: string;
  /** 'gpt2': our GPT-2 with model.safetensors, 'llama': a Llama-family model with safetensors (both: every view); 'foreign': a decode graph only. */
  readonly kind: 'gpt2' | 'llama' | 'foreign';
  readonly bundled: boolean;
  readonly modelType: string;
  /** The graph the inspector runs, e.g. "inspection graph built from model.safetensors". */
  readonly graph: string;
  readonly parameters?: number;
  readonly embeddingParameters?: number;
  readonly layers?: number;
  readonly heads?: number;
  readonly keyValueHeads?: number;
  readonly headDim?: number;
  readonly embeddingDim?: number;
  readonly contextLength?: number;
  readonly vocabSize?: number;
  /** The Model Size Calculator's figures from config.json (engine/scaling/), or why there are none. */
  readonly sizes?: ModelSizeFacts | { readonly unavailable: string };
}

export interface ModelSizeFacts {
  readonly nonEmbeddingParameters: number;
  /** Tokens of the sequence the FLOPs and memory are for: the model's context length. */
  readonly context: number;
  readonly forwardFlopsPerToken: number;
  readonly trainingFlopsPerToken: number;
  readonly kvCacheBytesPerToken: number;
  /** AdamW in mixed precision (bf16) for one sequence of `context` tokens. */
  readonly trainingBytes: number;
  /** fp16 weights and the KV cache of one full-context sequence. */
  readonly servingBytes: number;
}

// ---- the views built from one run: schemas, because they carry typed arrays whose lengths the
// webview checks against the shape each message declares before drawing (isAttentionData below)

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const isSquare = (n: number) => Number.isInteger(Math.sqrt(n));
const list = <S extends v.GenericSchema>(item: S) => v.pipe(v.array(item), v.readonly());

/** One token of the inspected text. `start`/`end` are UTF-16 offsets into the text. */
const tokenView = v.object({ id: count, text: v.string(), start: count, end: count });
export type TokenView = v.InferOutput<typeof tokenView>;

/** One head's attention, full size: data[q·T + k] is how much query token q attends to key token k. */
const headMatrix = v.object({
  layer: count,
  /** A head index, or MEAN_HEAD. */
  head: v.pipe(v.number(), v.integer(), v.minValue(MEAN_HEAD)),
  data: v.pipe(float32s(), v.check((data) => isSquare(data.length), 'a head matrix is T × T')),
});
export type HeadMatrix = v.InferOutput<typeof headMatrix>;

const inspectionView = v.pipe(
  v.object({
    /** Counts the host's inspections; later messages about this text carry the same id. */
    runId: count,
    text: v.string(),
    /** Where the text came from, e.g. "story.txt, lines 3–7"; empty when restored without its file. */
    source: v.string(),
    /** True when choosing a token can highlight what it attends to in an open editor. */
    linked: v.boolean(),
    tokens: list(tokenView),
    /** Things to know about this run (the selection was cut to the context length). */
    notices: list(v.string()),
    /** Heads per layer (foreign graphs may differ per layer); empty when attention is unavailable. */
    heads: list(count),
    /** Side of every thumbnail: T when T is small, else each cell is the mean of a block of T/side. */
    thumbnailSize: count,
    /** Per layer: [heads, side, side], row-major. */
    thumbnails: list(float32s()),
    /** Why this model's attention cannot be shown. */
    attentionUnavailable: v.optional(v.string()),
    /** The head the panel showed last, full size, so the first drawing needs no round trip. */
    selected: v.optional(headMatrix),
  }),
  v.check(
    ({ tokens, heads, thumbnailSize: side, thumbnails, selected }) =>
      side <= tokens.length &&
      thumbnails.length === heads.length &&
      thumbnails.every((t, layer) => t.length === heads[layer] * side * side) &&
      (selected === undefined || selected.data.length === tokens.length * tokens.length),
    'the thumbnails or the selected head do not match the tokens and heads',
  ),
);
export type InspectionView = v.InferOutput<typeof inspectionView>;

/** Token embeddings projected on the first two principal components of frequent tokens' embeddings. */
const embeddingView = v.pipe(
  v.object({
    runId: count,
    /** One point per token of the text. */
    x: float32s(),
    y: float32s(),
    /** The frequent tokens the axes come from (a BPE's first merges), as a backdrop. */
    vocabulary: v.object({ ids: int32s(), texts: list(v.string()), x: float32s(), y: float32s() }),
    /** Share of the variance each axis explains. */
    explained: v.tuple([v.number(), v.number()]),
    /** How many embedding rows the components were computed from (the backdrop's points). */
    basisRows: count,
  }),
  v.check(
    ({ x, y, vocabulary: b }) => x.length === y.length && [b.texts.length, b.x.length, b.y.length].every((n) => n === b.ids.length),
    'the embedding points and their coordinates differ in number',
  ),
);
export type EmbeddingView = v.InferOutput<typeof embeddingView>;

/** The logit lens: each residual stream read through the final LayerNorm and the output layer. */
const lensView = v.pipe(
  v.object({
    runId: count,
    /** Residual streams: the embeddings, then after each block (n_layer + 1). */
    streams: count,
    /** Top tokens kept per cell. */
    k: count,
    /** [streams, T, k] token ids and their probabilities, best first. */
    ids: int32s(),
    probs: float32s(),
    /** The text of each id in `ids`, same order. */
    texts: list(v.string()),
  }),
  v.check(
    ({ streams, k, ids, probs, texts }) => streams * k > 0 && ids.length % (streams * k) === 0 && probs.length === ids.length && texts.length === ids.length,
    'the logit lens is not [streams, T, k]',
  ),
);
export type LensView = v.InferOutput<typeof lensView>;

const normsView = v.pipe(
  v.object({
    runId: count,
    streams: count,
    /** [streams, T]: the L2 norm of the residual stream of each token after each block. */
    norms: float32s(),
  }),
  v.check(({ streams, norms }) => streams > 0 && norms.length % streams === 0, 'the norms are not [streams, T]'),
);
export type NormsView = v.InferOutput<typeof normsView>;

/** The notifications that carry arrays, as the webview checks them before drawing. */
const attentionData = v.variant('type', [
  message('inspection', inspectionView),
  message('head', v.intersect([headMatrix, v.object({ runId: count })])),
  message('embeddings', embeddingView),
  message('lens', lensView),
  message('norms', normsView),
]);
export const ATTENTION_DATA_TYPES: ReadonlySet<string> = new Set(['inspection', 'head', 'embeddings', 'lens', 'norms']);
/** True for a data notification whose arrays have the kinds and lengths its shape declares. */
export const isAttentionData = guardOf(attentionData);

// ---- host -> webview

export type AttentionNotification =
  | Message<'model', ModelFacts>
  | Message<'inspection', InspectionView>
  | Message<'head', HeadMatrix & { readonly runId: number }>
  | Message<'embeddings', EmbeddingView>
  | Message<'lens', LensView>
  | Message<'norms', NormsView>
  /** A view the model cannot fill, and why. */
  | Message<'unavailable', { readonly runId: number; readonly view: 'embeddings' | 'lens' | 'norms'; readonly reason: string }>
  /** Work in progress (`busy`) is shown until its result or an `error` arrives. */
  | KitNotification;

// ---- webview -> host

/** The largest text the webview may send back. */
export const MAX_WEBVIEW_TEXT = 4 * 1024 * 1024;

const index = (max = (1 << 20) - 1) => whole(0, max);
const layerIndex = index(4095);
const headIndex = v.union([v.literal(MEAN_HEAD), index(4095)]);

const panelState = v.strictObject({
  text: text(MAX_WEBVIEW_TEXT),
  tab: oneOf(ATTENTION_TABS),
  layer: layerIndex,
  head: headIndex,
  /** The query token chosen in the panel, or -1. */
  query: whole(-1, 1 << 20),
  showVocabulary: v.boolean(),
});
/** What the webview keeps with setState() so a reload brings the panel back as it was. */
export type AttentionPanelState = v.InferOutput<typeof panelState>;

const attentionRequests = panelRequests(panelState, [
  message('selectHead', v.strictObject({ runId: index(), layer: layerIndex, head: headIndex })),
  /** A query token chosen (index) or let go (null); the host highlights its attention in the editor. */
  message('focusToken', v.strictObject({ runId: index(), index: v.nullable(index()), layer: layerIndex, head: headIndex })),
  /**
   * The heatmap of `runId` is on screen: the host measures the time from the command.
   * `drawMilliseconds`: from the webview receiving the run to the heatmap drawn.
   */
  message('drawn', v.strictObject({ runId: index(), drawMilliseconds: numberIn(0, 1e7) })),
  message('chooseModel', empty),
]);
export type AttentionRequest = v.InferOutput<typeof attentionRequests>;

/** The guard the panel kit applies to every message from the attention webview. */
export const isAttentionRequest = guardOf(attentionRequests);
