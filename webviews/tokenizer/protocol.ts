// The messages between the tokenizer panel (webview) and its controller in the extension host.
// Both sides import this file. Everything the webview sends is checked by isTokenizerRequest()
// before the host acts on it; what the host sends is trusted by the webview.
import * as v from 'valibot';
import { empty, guardOf, message, oneOf, panelRequests, text, whole, type KitNotification, type Message } from '../shared/protocol';

export const TOKENIZER_VIEW_TYPE = 'llmPipeline.tokenizer';

export type TokenizerTab = 'tokens' | 'compare' | 'bpe' | 'chat';
export const TOKENIZER_TABS = ['tokens', 'compare', 'bpe', 'chat'] as const satisfies readonly TokenizerTab[];

/** One entry of the tokenizer list: a built-in, a model folder under models/, or a file picked from disk. */
export interface TokenizerOption {
  readonly id: string;
  readonly label: string;
  /** Where it comes from, e.g. "built-in, 100,277 tokens" or a file path. */
  readonly detail: string;
  readonly kind: 'builtin' | 'model' | 'file';
}

/** One token as the panel draws it. `start`/`end` are UTF-16 offsets into the tokenized text. */
export interface TokenChip {
  readonly id: number;
  readonly text: string;
  /** The UTF-8 bytes in hex, space separated: "e2 80 99". */
  readonly hex: string;
  readonly start: number;
  readonly end: number;
  readonly special: boolean;
}

export interface TokenCounts {
  readonly tokens: number;
  readonly characters: number;
  readonly bytes: number;
}

export interface TokenizationResult {
  readonly text: string;
  /** Where the text came from, e.g. "story.txt, lines 3-7"; empty for text typed in the panel. */
  readonly source: string;
  /** True when hovering a chip can highlight its range in an open editor. */
  readonly linked: boolean;
  readonly tokenizer: string;
  readonly counts: TokenCounts;
  /** The first tokens, at most the host's chip limit; counts cover all of them. */
  readonly chips: readonly TokenChip[];
  /** Things the learner should know about this text (binary-looking, cut to the size limit). */
  readonly notices: readonly string[];
}

/** One tokenizer's column in the compare view. */
export interface CompareColumn {
  readonly tokenizer: string;
  readonly label: string;
  readonly counts?: TokenCounts;
  /** The first tokens, drawn as alternating spans. */
  readonly pieces?: readonly { readonly id: number; readonly text: string; readonly hex: string }[];
  readonly error?: string;
}

/** One symbol while BPE merges a piece: its text (bytes shown as hex when they are part of a character) and ID. */
export interface BpePartView {
  readonly text: string;
  /** Undefined for a symbol that is not in the vocabulary. */
  readonly id?: number;
}

export interface BpeStepView {
  /** The two parts joined at this step and their merge rank (lower merges first). */
  readonly left: string;
  readonly right: string;
  readonly rank: number;
  /** All parts after this merge, and which of them is the new one. */
  readonly parts: readonly BpePartView[];
  readonly mergedAt: number;
}

/** The merges of one pre-tokenized piece, from its bytes to its tokens. */
export interface BpePieceTrace {
  readonly piece: string;
  readonly initial: readonly BpePartView[];
  readonly steps: readonly BpeStepView[];
  /** What the tokenizer outputs for the piece (the last step's parts, unless it found the piece whole). */
  readonly result: readonly BpePartView[];
  /** The tokenizer looked the whole piece up in its vocabulary and skipped the merges (ignore_merges). */
  readonly wholeInVocabulary: boolean;
}

/** BPE step by step for a word: the pieces the pre-tokenizer cuts it into, each with its merges. */
export interface BpeTrace {
  readonly word: string;
  readonly tokenizer: string;
  readonly pieces: readonly BpePieceTrace[];
  /** Why there is no trace, e.g. the tokenizer is WordPiece, not BPE. */
  readonly error?: string;
}

export interface ChatTemplateOption {
  readonly id: string;
  readonly label: string;
}

/** A rendered chat prompt: plain text runs and special tokens with their IDs. */
export interface ChatRender {
  readonly template: string;
  readonly segments: readonly { readonly text: string; readonly specialId?: number }[];
  readonly tokenCount: number;
  readonly problems: readonly { readonly severity: 'error' | 'warning' | 'info'; readonly message: string }[];
}

// ---- host -> webview

export type TokenizerNotification =
  | Message<'tokenizers', { readonly options: readonly TokenizerOption[]; readonly active: string }>
  | Message<'tokens', TokenizationResult>
  | Message<'compare', { readonly text: string; readonly columns: readonly CompareColumn[] }>
  | Message<'bpe', BpeTrace>
  | Message<'chatTemplates', { readonly options: readonly ChatTemplateOption[] }>
  | Message<'chat', ChatRender>
  | KitNotification;

// ---- webview -> host

/** The largest text the webview may send back (the host applies its own size setting too). */
export const MAX_WEBVIEW_TEXT = 16 * 1024 * 1024;

const name = text(4096);
const names = v.pipe(v.array(name), v.maxLength(64), v.readonly());
const offset = whole(0, Number.MAX_SAFE_INTEGER);

const chatRequest = v.strictObject({
  messages: v.pipe(v.array(v.strictObject({ role: text(64), content: text(1024 * 1024) })), v.maxLength(256), v.readonly()),
  template: name,
  addGenerationPrompt: v.boolean(),
});
export type ChatRequest = v.InferOutput<typeof chatRequest>;
export type ChatMessageInput = ChatRequest['messages'][number];

/** What the webview keeps with setState() so a reload brings the panel back as it was. */
const panelState = v.strictObject({
  text: text(MAX_WEBVIEW_TEXT),
  tokenizer: name,
  tab: oneOf(TOKENIZER_TABS),
  compare: names,
  bpeWord: name,
  chat: chatRequest,
});
export type TokenizerPanelState = v.InferOutput<typeof panelState>;

const tokenizerRequests = panelRequests(panelState, [
  message('tokenize', v.strictObject({ text: text(MAX_WEBVIEW_TEXT) })),
  message('chooseTokenizer', v.strictObject({ id: name })),
  message('openTokenizerFile', empty),
  message(
    'highlight',
    v.nullable(
      v.pipe(
        v.strictObject({ start: offset, end: offset }),
        v.check(({ start, end }) => start <= end),
      ),
    ),
  ),
  message('compare', v.strictObject({ ids: names })),
  message('bpe', v.strictObject({ word: text(256) })),
  message('chat', chatRequest),
]);
export type TokenizerRequest = v.InferOutput<typeof tokenizerRequests>;

/** The guard the panel kit applies to every message from the tokenizer webview. */
export const isTokenizerRequest = guardOf(tokenizerRequests);
