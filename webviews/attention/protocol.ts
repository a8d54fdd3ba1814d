// The messages between the attention panel (webview) and its controller in the extension host.
// Both sides import this file. Everything the webview sends is checked by isAttentionRequest()
// before the host acts on it; what the host sends is trusted by the webview.
//
// Matrices travel as Float32Array: VS Code moves typed arrays to the webview as binary, and each
// one is a fresh array (never a view into a larger buffer, which would be copied whole).
import { isMessageOf, isObject, type Message } from '../shared/protocol';

export const ATTENTION_VIEW_TYPE = 'llmPipeline.attention';

export type AttentionTab = 'heads' | 'lines' | 'embeddings' | 'lens' | 'norms' | 'model';
export const ATTENTION_TABS: readonly AttentionTab[] = ['heads', 'lines', 'embeddings', 'lens', 'norms', 'model'];

/** The views that can be saved as an image. */
export type ExportView = 'grid' | 'heatmap' | 'lines' | 'embeddings' | 'lens' | 'norms';
export const EXPORT_VIEWS: readonly ExportView[] = ['grid', 'heatmap', 'lines', 'embeddings', 'lens', 'norms'];
export type ExportFormat = 'png' | 'svg';

/** The head index that stands for the mean over all heads of a layer. */
export const MEAN_HEAD = -1;

/** What the model is, as the Model tab lists it. Sizes the folder does not state are left out. */
export interface ModelFacts {
  readonly name: string;
  readonly dir: string;
  /** 'gpt2': our GPT-2 with model.safetensors (every view); 'foreign': a decode graph only. */
  readonly kind: 'gpt2' | 'foreign';
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
}

/** One token of the inspected text. `start`/`end` are UTF-16 offsets into the text. */
export interface TokenView {
  readonly id: number;
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** One head's attention, full size: data[q·T + k] is how much query token q attends to key token k. */
export interface HeadMatrix {
  readonly layer: number;
  /** A head index, or MEAN_HEAD. */
  readonly head: number;
  readonly data: Float32Array;
}

export interface InspectionView {
  /** Counts the host's inspections; later messages about this text carry the same id. */
  readonly runId: number;
  readonly text: string;
  /** Where the text came from, e.g. "story.txt, lines 3–7"; empty when restored without its file. */
  readonly source: string;
  /** True when choosing a token can highlight what it attends to in an open editor. */
  readonly linked: boolean;
  readonly tokens: readonly TokenView[];
  /** Things to know about this run (the selection was cut to the context length). */
  readonly notices: readonly string[];
  /** Heads per layer (foreign graphs may differ per layer); empty when attention is unavailable. */
  readonly heads: readonly number[];
  /** Side of every thumbnail: T when T is small, else each cell is the mean of a block of T/side. */
  readonly thumbnailSize: number;
  /** Per layer: [heads, side, side], row-major. */
  readonly thumbnails: readonly Float32Array[];
  /** Why this model's attention cannot be shown. */
  readonly attentionUnavailable?: string;
  /** The head the panel showed last, full size, so the first drawing needs no round trip. */
  readonly selected?: HeadMatrix;
}

/** Token embeddings projected on the first two principal components of frequent tokens' embeddings. */
export interface EmbeddingView {
  readonly runId: number;
  /** One point per token of the text. */
  readonly x: Float32Array;
  readonly y: Float32Array;
  /** The frequent tokens the axes come from (a BPE's first merges), as a backdrop. */
  readonly vocabulary: { readonly ids: Int32Array; readonly texts: readonly string[]; readonly x: Float32Array; readonly y: Float32Array };
  /** Share of the variance each axis explains. */
  readonly explained: readonly [number, number];
  /** How many embedding rows the components were computed from (the backdrop's points). */
  readonly basisRows: number;
}

/** The logit lens: each residual stream read through the final LayerNorm and the output layer. */
export interface LensView {
  readonly runId: number;
  /** Residual streams: the embeddings, then after each block (n_layer + 1). */
  readonly streams: number;
  /** Top tokens kept per cell. */
  readonly k: number;
  /** [streams, T, k] token ids and their probabilities, best first. */
  readonly ids: Int32Array;
  readonly probs: Float32Array;
  /** The text of each id in `ids`, same order. */
  readonly texts: readonly string[];
}

export interface NormsView {
  readonly runId: number;
  readonly streams: number;
  /** [streams, T]: the L2 norm of the residual stream of each token after each block. */
  readonly norms: Float32Array;
}

/** What the webview keeps with setState() so a reload brings the panel back as it was. */
export interface AttentionPanelState {
  readonly text: string;
  readonly tab: AttentionTab;
  readonly layer: number;
  readonly head: number;
  /** The query token chosen in the panel, or -1. */
  readonly query: number;
  readonly showVocabulary: boolean;
}

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
  /** Work in progress, shown until its result (or an error) arrives; an empty message clears it. */
  | Message<'busy', { readonly message: string }>
  | Message<'error', { readonly message: string }>;

// ---- webview -> host

export type AttentionRequest =
  | Message<'ready', { readonly state?: AttentionPanelState }>
  | Message<'selectHead', { readonly runId: number; readonly layer: number; readonly head: number }>
  /** A query token chosen (index) or let go (null); the host highlights its attention in the editor. */
  | Message<'focusToken', { readonly runId: number; readonly index: number | null; readonly layer: number; readonly head: number }>
  /**
   * The heatmap of `runId` is on screen: the host measures the time from the command.
   * `drawMilliseconds`: from the webview receiving the run to the heatmap drawn.
   */
  | Message<'drawn', { readonly runId: number; readonly drawMilliseconds: number }>
  | Message<'export', { readonly view: ExportView; readonly format: ExportFormat; readonly name: string; readonly data: string }>
  | Message<'chooseModel', Record<string, never>>;

/** The largest text the webview may send back, and the largest exported image (base64 or SVG). */
export const MAX_WEBVIEW_TEXT = 4 * 1024 * 1024;
export const MAX_EXPORT_CHARS = 96 * 1024 * 1024;

const isString = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;
const isIndex = (v: unknown, max = 1 << 20): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) < max;
const isHead = (v: unknown): v is number => v === MEAN_HEAD || isIndex(v, 4096);
const isTab = (v: unknown): v is AttentionTab => ATTENTION_TABS.includes(v as AttentionTab);
const isEmpty = (v: unknown): boolean => isObject(v) && Object.keys(v).length === 0;
/** File names the webview suggests: letters, digits, dot, dash, underscore; no folders. */
const isFileStem = (v: unknown): v is string => typeof v === 'string' && /^[\w.-]{1,120}$/.test(v) && !v.startsWith('.');

function isPanelState(v: unknown): v is AttentionPanelState {
  return (
    isObject(v) &&
    isString(v.text, MAX_WEBVIEW_TEXT) &&
    isTab(v.tab) &&
    isIndex(v.layer, 4096) &&
    isHead(v.head) &&
    Number.isInteger(v.query) &&
    (v.query as number) >= -1 &&
    typeof v.showVocabulary === 'boolean'
  );
}

function isExport(v: unknown): boolean {
  if (!isObject(v) || !EXPORT_VIEWS.includes(v.view as ExportView) || !isFileStem(v.name) || !isString(v.data, MAX_EXPORT_CHARS)) return false;
  if (v.format === 'svg') return (v.data as string).trimStart().startsWith('<svg');
  // PNG as base64, without a data: prefix.
  return v.format === 'png' && /^[A-Za-z0-9+/]+={0,2}$/.test(v.data as string);
}

/** The guard PanelHost applies to every message from the attention webview. */
export function isAttentionRequest(value: unknown): value is AttentionRequest {
  return (
    isMessageOf(value, 'ready', (p) => isObject(p) && (p.state === undefined || isPanelState(p.state))) ||
    isMessageOf(value, 'selectHead', (p) => isObject(p) && isIndex(p.runId) && isIndex(p.layer, 4096) && isHead(p.head)) ||
    isMessageOf(
      value,
      'focusToken',
      (p) => isObject(p) && isIndex(p.runId) && (p.index === null || isIndex(p.index)) && isIndex(p.layer, 4096) && isHead(p.head),
    ) ||
    isMessageOf(value, 'drawn', (p) => isObject(p) && isIndex(p.runId) && typeof p.drawMilliseconds === 'number' && p.drawMilliseconds >= 0 && p.drawMilliseconds < 1e7) ||
    isMessageOf(value, 'export', isExport) ||
    isMessageOf(value, 'chooseModel', isEmpty)
  );
}
