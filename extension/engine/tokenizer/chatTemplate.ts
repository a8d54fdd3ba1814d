// Chat templates: a model trained on conversations expects them laid out exactly as in training,
// with special tokens between turns. tokenizer_config.json carries that layout as a Jinja template
// (chat_template). Here it is rendered with @huggingface/jinja (the renderer transformers.js uses),
// the special tokens in the result are found as the tokenizer sees them, and common mistakes are
// flagged: a special token twice in a row, a BOS the tokenizer adds a second time, a turn without
// the end-of-turn token the other turns have, no generation prompt, special-token look-alikes the
// tokenizer does not know, and special tokens smuggled in through message text.

import type { Template } from '@huggingface/jinja';
import type { HfTextTokenizer } from './hfTokenizer';

export interface ChatMessage {
  readonly role: string;
  readonly content: string;
}

export interface ChatRenderRequest {
  readonly template: string;
  readonly messages: readonly ChatMessage[];
  /** End with the start of an assistant turn, so that the model writes the answer. */
  readonly addGenerationPrompt: boolean;
}

/** A special token in the rendered text, as the tokenizer finds it. UTF-16 offsets. */
export interface SpecialTokenHit {
  readonly start: number;
  readonly end: number;
  readonly content: string;
  readonly id: number;
}

export type ChatProblemKind =
  | 'render-failed'
  | 'doubled-special-token'
  | 'bos-added-twice'
  | 'missing-end-of-turn'
  | 'no-generation-prompt'
  | 'unknown-special-token'
  | 'special-token-in-message';

export interface ChatProblem {
  readonly kind: ChatProblemKind;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  /** Where in the rendered text, when the problem has a place. */
  readonly start?: number;
  readonly end?: number;
}

export interface ChatRendering {
  /** The rendered prompt ('' when rendering failed). */
  readonly text: string;
  readonly specialTokens: readonly SpecialTokenHit[];
  /** The text cut into plain runs and special tokens, in order, for drawing. */
  readonly segments: ReadonlyArray<{ readonly text: string; readonly specialId?: number }>;
  /** The token ids of the rendered text (encoded without the post-processor's extra tokens). */
  readonly ids: readonly number[];
  readonly problems: readonly ChatProblem[];
}

type Json = Record<string, unknown>;

/** A token setting of tokenizer_config.json: a string, or an AddedToken object with `content`. */
function tokenSetting(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as Json).content === 'string') return (value as Json).content as string;
  return undefined;
}

/** The chat template in a tokenizer_config.json: a string, or a list of named templates of which "default" is used. */
export function chatTemplateOf(config: Json): string | undefined {
  const template = config.chat_template;
  if (typeof template === 'string') return template;
  if (Array.isArray(template)) {
    const named = template as Array<{ name?: unknown; template?: unknown }>;
    const chosen = named.find((t) => t.name === 'default') ?? named[0];
    return typeof chosen?.template === 'string' ? chosen.template : undefined;
  }
  return undefined;
}

/** The variables transformers passes to a chat template: every *_token setting of tokenizer_config.json, e.g. bos_token. */
export function templateVariables(config: Json): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    const token = key.endsWith('_token') ? tokenSetting(value) : undefined;
    if (token !== undefined) variables[key] = token;
  }
  return variables;
}

function render(template: Template, request: ChatRenderRequest, variables: Json, addGenerationPrompt: boolean): string {
  return template.render({ ...variables, messages: request.messages.map((m) => ({ ...m })), add_generation_prompt: addGenerationPrompt });
}

/** The longest rendered prompt accepted: far beyond any conversation a learner types. */
const MAX_RENDERED_CHARS = 1_000_000;

/** The template's output with and without the generation prompt (the same text when it was not asked for). */
export interface RenderedTemplate {
  readonly text: string;
  readonly withoutPrompt: string;
}

/**
 * Renders the template alone, no tokenizer needed: this is the part a hostile template can make
 * loop or allocate without end, so the extension runs it in a thread with limits. Throws with the
 * reason when the template cannot be parsed or rendered, or renders to more than MAX_RENDERED_CHARS.
 */
export function renderTemplate(request: ChatRenderRequest, variables: Json): RenderedTemplate {
  let template: Template;
  try {
    // Required with the first template rendered, not when the extension host starts.
    const { Template } = require('@huggingface/jinja') as typeof import('@huggingface/jinja');
    template = new Template(request.template);
  } catch (error) {
    throw new Error(`The chat template cannot be parsed: ${(error as Error).message}`);
  }
  let text: string;
  let withoutPrompt: string;
  try {
    text = render(template, request, variables, request.addGenerationPrompt);
    withoutPrompt = request.addGenerationPrompt ? render(template, request, variables, false) : text;
  } catch (error) {
    throw new Error(`The chat template failed to render: ${(error as Error).message}`);
  }
  if (text.length > MAX_RENDERED_CHARS) throw new Error(`The chat template rendered ${text.length.toLocaleString('en')} characters, more than the ${MAX_RENDERED_CHARS.toLocaleString('en')} accepted.`);
  return { text, withoutPrompt };
}

export const failedRendering = (message: string): ChatRendering => ({
  text: '',
  specialTokens: [],
  segments: [],
  ids: [],
  problems: [{ kind: 'render-failed', severity: 'error', message }],
});

/** Strings that look like special tokens: <|name|>, <s>, </s>, <start_of_turn>. */
const SPECIAL_LOOKALIKE = /<\|[^|<>\s]{1,64}\|>|<\/?s>|<[a-z]+_of_[a-z]+>/g;

/** Where each message's text sits in the rendered prompt (undefined when the template changed it beyond a trim). */
function locateMessages(text: string, messages: readonly ChatMessage[]): Array<{ start: number; end: number } | undefined> {
  let from = 0;
  return messages.map((m) => {
    const content = m.content.trim();
    if (content === '') return undefined;
    const at = text.indexOf(content, from);
    if (at < 0) return undefined;
    from = at + content.length;
    return { start: at, end: from };
  });
}

/** Renders `request` and checks the result against the tokenizer's special tokens, in this thread. */
export function renderChat(tokenizer: HfTextTokenizer, request: ChatRenderRequest): ChatRendering {
  let rendered: RenderedTemplate;
  try {
    rendered = renderTemplate(request, templateVariables(tokenizer.config));
  } catch (error) {
    return failedRendering((error as Error).message);
  }
  return checkRendering(tokenizer, request, rendered);
}

/** Finds the special tokens in a rendered prompt and the common mistakes around them. */
export function checkRendering(tokenizer: HfTextTokenizer, request: ChatRenderRequest, rendered: RenderedTemplate): ChatRendering {
  const { text, withoutPrompt } = rendered;
  const spans = tokenizer.encode(text);
  const specialTokens: SpecialTokenHit[] = spans.filter((s) => s.special).map((s) => ({ start: s.start, end: s.end, content: s.text, id: s.id }));
  const problems: ChatProblem[] = [];
  const name = (hit: SpecialTokenHit): string => JSON.stringify(hit.content);

  // The same special token twice with nothing but whitespace between.
  for (let i = 1; i < specialTokens.length; i++) {
    const [a, b] = [specialTokens[i - 1], specialTokens[i]];
    if (a.id === b.id && text.slice(a.end, b.start).trim() === '') {
      problems.push({ kind: 'doubled-special-token', severity: 'warning', message: `${name(b)} appears twice in a row (at ${a.start} and ${b.start}).`, start: a.start, end: b.end });
    }
  }

  // A template that writes BOS itself, encoded with add_special_tokens=true, gets a second BOS:
  // the post-processor's tokens come first, with empty spans.
  const withAdded = tokenizer.encode(text, { addSpecialTokens: true });
  const firstOwn = withAdded.findIndex((s) => s.end > s.start);
  const addedInFront = firstOwn > 0 ? withAdded[firstOwn - 1] : undefined;
  if (addedInFront && spans[0]?.special && addedInFront.id === spans[0].id) {
    problems.push({
      kind: 'bos-added-twice',
      severity: 'warning',
      message: `The rendered prompt starts with ${JSON.stringify(spans[0].text)} and the tokenizer adds another when it encodes with special tokens: encode the prompt with add_special_tokens=false.`,
      start: 0,
      end: spans[0].end,
    });
  }

  // The end-of-turn convention: the special token that most messages are followed by.
  const located = locateMessages(text, request.messages);
  const following = located.map((place) => {
    if (!place) return undefined;
    const next = specialTokens.find((hit) => hit.start >= place.end);
    return next && text.slice(place.end, next.start).trim() === '' ? next : undefined;
  });
  const votes = new Map<number, number>();
  for (const hit of following) if (hit) votes.set(hit.id, (votes.get(hit.id) ?? 0) + 1);
  const convention = [...votes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (convention !== undefined) {
    const endName = JSON.stringify(specialTokens.find((hit) => hit.id === convention)?.content);
    located.forEach((place, i) => {
      const open = i === request.messages.length - 1 && request.addGenerationPrompt;
      if (!place || open || following[i]?.id === convention) return;
      const role = request.messages[i].role;
      problems.push({ kind: 'missing-end-of-turn', severity: 'warning', message: `Message ${i + 1} (${role}) is not followed by ${endName}, which ends the other messages.`, start: place.start, end: place.end });
    });
  }

  if (request.addGenerationPrompt && text === withoutPrompt) {
    problems.push({ kind: 'no-generation-prompt', severity: 'warning', message: 'add_generation_prompt was asked for, but the template ignores it: nothing after the last message starts the assistant\'s turn.' });
  }

  // Look-alikes of special tokens outside the messages that this tokenizer splits as plain text.
  const inMessage = (at: number): boolean => located.some((place) => place !== undefined && at >= place.start && at < place.end);
  for (const match of text.matchAll(SPECIAL_LOOKALIKE)) {
    const at = match.index ?? 0;
    if (inMessage(at) || specialTokens.some((hit) => hit.start === at)) continue;
    const pieces = tokenizer.encodeIds(match[0]).length;
    problems.push({
      kind: 'unknown-special-token',
      severity: 'warning',
      message: `${JSON.stringify(match[0])} looks like a special token, but ${tokenizer.name} has no such token: it becomes ${pieces} ordinary tokens.`,
      start: at,
      end: at + match[0].length,
    });
  }

  // Message text that the tokenizer reads as special tokens can forge turns (prompt injection).
  request.messages.forEach((m, i) => {
    const forged = tokenizer.encode(m.content).filter((s) => s.special);
    const place = located[i];
    if (forged.length > 0) {
      problems.push({
        kind: 'special-token-in-message',
        severity: 'warning',
        message: `Message ${i + 1} (${m.role}) contains ${forged.map((s) => JSON.stringify(s.text)).join(', ')}, which the tokenizer reads as special: user text can fake the conversation's structure.`,
        ...(place ? { start: place.start, end: place.end } : {}),
      });
    }
  });

  return { text, specialTokens, segments: segmentsOf(text, specialTokens), ids: spans.map((s) => s.id), problems };
}

function segmentsOf(text: string, specialTokens: readonly SpecialTokenHit[]): Array<{ text: string; specialId?: number }> {
  const segments: Array<{ text: string; specialId?: number }> = [];
  let at = 0;
  for (const hit of specialTokens) {
    if (hit.start > at) segments.push({ text: text.slice(at, hit.start) });
    segments.push({ text: text.slice(hit.start, hit.end), specialId: hit.id });
    at = hit.end;
  }
  if (at < text.length) segments.push({ text: text.slice(at) });
  return segments;
}
