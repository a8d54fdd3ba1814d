// The messages between the Decoding Playground (webview) and its controller in the extension host.
// Both sides import this file. Everything the webview sends is checked by isDecodingRequest()
// before the host acts on it; what the host sends is trusted by the webview.
import { isMessageOf, isObject, type Message } from '../shared/protocol';

export const DECODING_VIEW_TYPE = 'llmPipeline.decoding';

/** Candidates drawn as bars (the engine traces this many per step). */
export const CANDIDATE_COUNT = 20;

export type DecodingTab = 'next' | 'compare' | 'cache';
export const DECODING_TABS: readonly DecodingTab[] = ['next', 'compare', 'cache'];

/** The sampler's knobs as the panel sets them; 0 turns top-k and min-p off, 1 turns top-p off. */
export interface SamplerControls {
  readonly temperature: number;
  readonly topK: number;
  readonly topP: number;
  readonly minP: number;
  readonly seed: number;
}

export const DEFAULT_CONTROLS: SamplerControls = { temperature: 0.8, topK: 0, topP: 0.95, minP: 0, seed: 0 };

export type FilterName = 'greedy' | 'top-k' | 'top-p' | 'min-p';

/** One bar: a candidate for the next token and what each stage of the sampler did to it. */
export interface CandidateView {
  readonly token: number;
  /** The token as text, with whitespace made visible. */
  readonly label: string;
  /** softmax of the raw logits: what the model says. */
  readonly model: number;
  /** After temperature, before any filter. */
  readonly tempered: number;
  /** In the distribution actually sampled: renormalised over the survivors, 0 when cut. */
  readonly final: number;
  readonly cutBy: FilterName | null;
}

/** One generated token in the growing text. */
export interface GeneratedToken {
  readonly token: number;
  readonly text: string;
  /** Its probability in the distribution it was chosen from. */
  readonly probability: number;
  /** Chosen by the user rather than drawn. */
  readonly forced: boolean;
}

/** One point of the KV-cache chart: after the prefill (index -1) or after a generated token. */
export interface CachePoint {
  readonly index: number;
  /** Tokens in the cache and its size. */
  readonly tokens: number;
  readonly bytes: number;
  /** Time of the prefill (index -1) or of this token's step. */
  readonly ms: number;
}

export interface ModelInfo {
  readonly name: string;
  readonly folder: string;
  readonly contextLength: number;
  readonly vocabSize: number;
}

/** The step-by-step session as the panel draws it. */
export interface SessionView {
  readonly model: ModelInfo;
  readonly prompt: string;
  readonly promptTokens: number;
  /** Where the prompt came from (e.g. "story.txt, line 3"); empty when typed. */
  readonly source: string;
  /** Things to know about the prompt (it was cut to fit the context). */
  readonly notices: readonly string[];
  readonly generated: readonly GeneratedToken[];
  /** The next token's candidates under the current controls. */
  readonly candidates: readonly CandidateView[];
  /** The active filters and how many tokens of the whole vocabulary each kept. */
  readonly filters: readonly { readonly name: FilterName; readonly kept: number }[];
  /** Why generation cannot go on (context full, end-of-text token), or null. */
  readonly finished: string | null;
  readonly cache: readonly CachePoint[];
  readonly controls: SamplerControls;
}

export type BeamNodeStatus = 'kept' | 'pruned' | 'finished';

export interface BeamNodeView {
  readonly id: number;
  readonly parentId: number | null;
  readonly step: number;
  readonly label: string;
  readonly logprob: number;
  readonly score: number;
  readonly status: BeamNodeStatus;
  /** On one of the returned hypotheses. */
  readonly best: boolean;
}

export interface ContinuationView {
  readonly text: string;
  /** Sum of log-probabilities of its tokens under the model (T = 1). */
  readonly logprob: number;
  readonly tokens: number;
}

export interface BeamSettings {
  readonly width: number;
  readonly lengthPenalty: number;
  readonly maxNewTokens: number;
}

export const DEFAULT_BEAM: BeamSettings = { width: 3, lengthPenalty: 0.6, maxNewTokens: 12 };

/** Greedy, sampled and beam continuations of the same prompt, and the beam search tree. */
export interface CompareView {
  readonly settings: BeamSettings;
  readonly greedy: ContinuationView;
  readonly sampled: ContinuationView;
  readonly beam: ContinuationView;
  readonly nodes: readonly BeamNodeView[];
}

export type ExportView = 'bars' | 'text' | 'tree' | 'cache';
export const EXPORT_VIEWS: readonly ExportView[] = ['bars', 'text', 'tree', 'cache'];

export type InsertSource = 'steps' | 'greedy' | 'sampled' | 'beam';
export const INSERT_SOURCES: readonly InsertSource[] = ['steps', 'greedy', 'sampled', 'beam'];

/** What the webview keeps with setState() so a reload brings the panel back as it was. */
export interface DecodingPanelState {
  readonly prompt: string;
  readonly controls: SamplerControls;
  /** The tokens chosen so far (and whether the user picked each), replayed in order after a reload. */
  readonly chosen: readonly { readonly token: number; readonly forced: boolean }[];
  readonly beam: BeamSettings;
  readonly tab: DecodingTab;
}

// ---- host -> webview

export type DecodingNotification =
  | Message<'session', SessionView>
  | Message<'compare', CompareView>
  | Message<'busy', { readonly task: 'load' | 'generate' | 'compare' | null; readonly done?: number; readonly total?: number }>
  | Message<'error', { readonly message: string }>;

// ---- webview -> host

export type DecodingRequest =
  | Message<'ready', { readonly state?: DecodingPanelState }>
  | Message<'setPrompt', { readonly text: string }>
  | Message<'setControls', SamplerControls>
  | Message<'next', Record<string, never>>
  | Message<'pick', { readonly token: number }>
  | Message<'back', Record<string, never>>
  | Message<'restart', Record<string, never>>
  | Message<'generate', { readonly count: number }>
  | Message<'stop', Record<string, never>>
  | Message<'compare', BeamSettings>
  | Message<'insert', { readonly source: InsertSource }>
  /** data: the SVG text, or the PNG as a base64 data URL. */
  | Message<'export', { readonly view: ExportView; readonly format: 'png' | 'svg'; readonly data: string }>;

/** Longest prompt the webview may send; the host cuts it to the model's context anyway. */
export const MAX_PROMPT_CHARS = 1024 * 1024;
/** Largest exported image (a base64 PNG or SVG text). */
export const MAX_EXPORT_CHARS = 32 * 1024 * 1024;
export const MAX_GENERATE = 1024;

const isString = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;
const isNumberIn = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
const isWhole = (v: unknown, min: number, max: number): v is number => Number.isInteger(v) && isNumberIn(v, min, max);
const isEmpty = (p: unknown) => isObject(p) && Object.keys(p).length === 0;

export function isSamplerControls(v: unknown): v is SamplerControls {
  return (
    isObject(v) &&
    isNumberIn(v.temperature, 0, 10) &&
    isWhole(v.topK, 0, 1_000_000) &&
    isNumberIn(v.topP, 0, 1) &&
    v.topP > 0 &&
    isNumberIn(v.minP, 0, 1) &&
    isWhole(v.seed, 0, 2 ** 32 - 1)
  );
}

export function isBeamSettings(v: unknown): v is BeamSettings {
  return isObject(v) && isWhole(v.width, 1, 16) && isNumberIn(v.lengthPenalty, -5, 5) && isWhole(v.maxNewTokens, 1, 64);
}

function isPanelState(v: unknown): v is DecodingPanelState {
  return (
    isObject(v) &&
    isString(v.prompt, MAX_PROMPT_CHARS) &&
    isSamplerControls(v.controls) &&
    Array.isArray(v.chosen) &&
    v.chosen.length <= 65_536 &&
    v.chosen.every((c) => isObject(c) && isWhole(c.token, 0, 2 ** 31) && typeof c.forced === 'boolean') &&
    isBeamSettings(v.beam) &&
    DECODING_TABS.includes(v.tab as DecodingTab)
  );
}

function isExport(p: unknown): boolean {
  return (
    isObject(p) &&
    EXPORT_VIEWS.includes(p.view as ExportView) &&
    (p.format === 'svg' || p.format === 'png') &&
    isString(p.data, MAX_EXPORT_CHARS)
  );
}

/** The guard PanelHost applies to every message from the playground's webview. */
export function isDecodingRequest(value: unknown): value is DecodingRequest {
  return (
    isMessageOf(value, 'ready', (p) => isObject(p) && (p.state === undefined || isPanelState(p.state))) ||
    isMessageOf(value, 'setPrompt', (p) => isObject(p) && isString(p.text, MAX_PROMPT_CHARS)) ||
    isMessageOf(value, 'setControls', isSamplerControls) ||
    isMessageOf(value, 'next', isEmpty) ||
    isMessageOf(value, 'pick', (p) => isObject(p) && isWhole(p.token, 0, 2 ** 31)) ||
    isMessageOf(value, 'back', isEmpty) ||
    isMessageOf(value, 'restart', isEmpty) ||
    isMessageOf(value, 'generate', (p) => isObject(p) && isWhole(p.count, 1, MAX_GENERATE)) ||
    isMessageOf(value, 'stop', isEmpty) ||
    isMessageOf(value, 'compare', isBeamSettings) ||
    isMessageOf(value, 'insert', (p) => isObject(p) && INSERT_SOURCES.includes(p.source as InsertSource)) ||
    isMessageOf(value, 'export', isExport)
  );
}
