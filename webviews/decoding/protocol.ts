// The messages between the Decoding Playground (webview) and its controller in the extension host.
// Both sides import this file. Everything the webview sends is checked by isDecodingRequest()
// before the host acts on it; what the host sends is trusted by the webview.
import * as v from 'valibot';
import { empty, guardOf, message, numberIn, oneOf, panelRequests, text, whole, type KitNotification, type Message } from '../shared/protocol';

export const DECODING_VIEW_TYPE = 'llmPipeline.decoding';

/** Candidates drawn as bars (the engine traces this many for the next token). */
export const CANDIDATE_COUNT = 20;

export type DecodingTab = 'next' | 'compare' | 'cache';
export const DECODING_TABS = ['next', 'compare', 'cache'] as const satisfies readonly DecodingTab[];

/** The sampler's knobs as the panel sets them; 0 turns top-k and min-p off, 1 turns top-p off. */
const samplerControls = v.strictObject({
  temperature: numberIn(0, 10),
  topK: whole(0, 1_000_000),
  topP: v.pipe(numberIn(0, 1), v.gtValue(0)),
  minP: numberIn(0, 1),
  seed: whole(0, 2 ** 32 - 1),
});
export type SamplerControls = v.InferOutput<typeof samplerControls>;

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
  /** A model behind an OpenAI-compatible server: only its top-k next tokens are visible. */
  readonly remote?: { readonly url: string; readonly topK: number };
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

const beamSettings = v.strictObject({ width: whole(1, 16), lengthPenalty: numberIn(-5, 5), maxNewTokens: whole(1, 64) });
export type BeamSettings = v.InferOutput<typeof beamSettings>;

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

export const INSERT_SOURCES = ['steps', 'greedy', 'sampled', 'beam'] as const;
export type InsertSource = (typeof INSERT_SOURCES)[number];

// ---- host -> webview

export type DecodingNotification =
  | Message<'session', SessionView>
  | Message<'compare', CompareView>
  /** busy.task: 'load' | 'generate' | 'compare', with done/total while generating or comparing. */
  | KitNotification;

// ---- webview -> host

/** Longest prompt the webview may send; the host cuts it to the model's context anyway. */
export const MAX_PROMPT_CHARS = 1024 * 1024;
export const MAX_GENERATE = 1024;

const token = whole(0, 2 ** 31);

/** What the webview keeps with setState() so a reload brings the panel back as it was. */
const panelState = v.strictObject({
  prompt: text(MAX_PROMPT_CHARS),
  controls: samplerControls,
  /** The tokens chosen so far (and whether the user picked each), replayed in order after a reload. */
  chosen: v.pipe(v.array(v.strictObject({ token, forced: v.boolean() })), v.maxLength(65_536), v.readonly()),
  beam: beamSettings,
  tab: oneOf(DECODING_TABS),
});
export type DecodingPanelState = v.InferOutput<typeof panelState>;

const decodingRequests = panelRequests(panelState, [
  message('setPrompt', v.strictObject({ text: text(MAX_PROMPT_CHARS) })),
  message('setControls', samplerControls),
  message('next', empty),
  message('pick', v.strictObject({ token })),
  message('back', empty),
  message('restart', empty),
  message('generate', v.strictObject({ count: whole(1, MAX_GENERATE) })),
  message('stop', empty),
  message('compare', beamSettings),
  message('insert', v.strictObject({ source: oneOf(INSERT_SOURCES) })),
]);
export type DecodingRequest = v.InferOutput<typeof decodingRequests>;

/** The guard the panel kit applies to every message from the playground's webview. */
export const isDecodingRequest = guardOf(decodingRequests);
