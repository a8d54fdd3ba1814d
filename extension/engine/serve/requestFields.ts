// The request bodies of POST /v1/completions and /v1/chat/completions, checked field by field
// before anything runs: a wrong type or range is a 400 naming the field (OpenAI's `param`).
// Fields this server does not implement but clients send by default (user, frequency_penalty 0,
// …) are ignored, as the OpenAI API ignores what it does not need; `n` other than 1 is refused.

import type { ChatMessage } from '../tokenizer/chatTemplate';
import { invalidParam } from './apiError';

export interface ServeLimits {
  /** The largest `max_tokens` accepted. */
  readonly maxTokens: number;
  /** The most alternatives `top_logprobs` may ask for. */
  readonly maxTopLogprobs: number;
}

export const DEFAULT_LIMITS: ServeLimits = { maxTokens: 1024, maxTopLogprobs: 20 };

interface CommonFields {
  readonly model: string;
  readonly maxTokens: number;
  readonly temperature: number;
  readonly topP: number;
  readonly stop: readonly string[];
  /** undefined: a fresh random seed per request, as OpenAI does. */
  readonly seed: number | undefined;
  readonly stream: boolean;
  /** stream_options.include_usage: a last chunk carries the token counts. */
  readonly includeUsage: boolean;
  /** How many alternatives each token's logprobs list; undefined: no logprobs at all. */
  readonly topLogprobs: number | undefined;
}

export type GenerationRequest =
  | (CommonFields & { readonly kind: 'completion'; readonly prompt: string | readonly number[] })
  | (CommonFields & { readonly kind: 'chat'; readonly messages: readonly ChatMessage[] });

type Json = Record<string, unknown>;

function numberField(body: Json, name: string, fallback: number, min: number, max: number, integer = false): number {
  const value = body[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw invalidParam(name, `'${name}' must be ${integer ? 'an integer' : 'a number'}, got ${JSON.stringify(value)?.slice(0, 40)}`);
  }
  if (value < min || value > max) throw invalidParam(name, `'${name}' must be between ${min} and ${max}, got ${value}`);
  return value;
}

function stopField(body: Json): string[] {
  const stop = body.stop;
  if (stop === undefined || stop === null) return [];
  const list = typeof stop === 'string' ? [stop] : stop;
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string' && s.length > 0) || list.length > 4) {
    throw invalidParam('stop', "'stop' must be a non-empty string or a list of up to 4 non-empty strings");
  }
  return list as string[];
}

function commonFields(body: Json, limits: ServeLimits, maxTokensName: string, defaultMaxTokens: number): CommonFields {
  if (typeof body.model !== 'string' || body.model.length === 0) throw invalidParam('model', "'model' must be a model id from GET /v1/models");
  // One choice per request: `n` may only be 1.
  numberField(body, 'n', 1, 1, 1, true);
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') throw invalidParam('stream', "'stream' must be true or false");
  const options = body.stream_options;
  if (options !== undefined && options !== null && (typeof options !== 'object' || Array.isArray(options))) throw invalidParam('stream_options', "'stream_options' must be an object");
  return {
    model: body.model,
    maxTokens: numberField(body, maxTokensName, defaultMaxTokens, 1, limits.maxTokens, true),
    temperature: numberField(body, 'temperature', 1, 0, 2),
    topP: numberField(body, 'top_p', 1, Number.MIN_VALUE, 1),
    stop: stopField(body),
    seed: body.seed === undefined || body.seed === null ? undefined : numberField(body, 'seed', 0, -(2 ** 53), 2 ** 53, true),
    stream: body.stream === true,
    includeUsage: (options as Json | undefined)?.include_usage === true,
    topLogprobs: undefined,
  };
}

/** POST /v1/completions: `prompt` is a string, a list of one string, or a list of token ids. */
export function parseCompletionRequest(body: unknown, limits: ServeLimits = DEFAULT_LIMITS): GenerationRequest {
  const json = requireObject(body);
  const common = commonFields(json, limits, 'max_tokens', Math.min(16, limits.maxTokens));
  const raw = json.prompt;
  let prompt: string | number[];
  if (typeof raw === 'string') prompt = raw;
  else if (Array.isArray(raw) && raw.length === 1 && typeof raw[0] === 'string') prompt = raw[0];
  else if (Array.isArray(raw) && raw.length > 0 && raw.every((t) => Number.isInteger(t) && t >= 0)) prompt = raw as number[];
  else throw invalidParam('prompt', "'prompt' must be a string, a list of one string, or a list of token ids (one prompt per request)");
  // Completions take logprobs as a count of alternatives (0 = the chosen token's only).
  const logprobs = json.logprobs === undefined || json.logprobs === null ? undefined : numberField(json, 'logprobs', 0, 0, limits.maxTopLogprobs, true);
  return { ...common, kind: 'completion', prompt, topLogprobs: logprobs };
}

/** POST /v1/chat/completions: `messages` of system, user and assistant turns with text content. */
export function parseChatRequest(body: unknown, limits: ServeLimits = DEFAULT_LIMITS): GenerationRequest {
  const json = requireObject(body);
  const maxName = json.max_completion_tokens !== undefined && json.max_completion_tokens !== null ? 'max_completion_tokens' : 'max_tokens';
  const common = commonFields(json, limits, maxName, limits.maxTokens);
  if (!Array.isArray(json.messages) || json.messages.length === 0) throw invalidParam('messages', "'messages' must be a non-empty list of {role, content}");
  const messages = json.messages.map((m, i) => chatMessage(m, i));
  if (json.logprobs !== undefined && json.logprobs !== null && typeof json.logprobs !== 'boolean') throw invalidParam('logprobs', "'logprobs' must be true or false");
  const top = numberField(json, 'top_logprobs', 0, 0, limits.maxTopLogprobs, true);
  if (json.top_logprobs !== undefined && json.top_logprobs !== null && json.logprobs !== true) throw invalidParam('top_logprobs', "'top_logprobs' needs 'logprobs': true");
  return { ...common, kind: 'chat', messages, topLogprobs: json.logprobs === true ? top : undefined };
}

function chatMessage(value: unknown, index: number): ChatMessage {
  const param = `messages[${index}]`;
  if (typeof value !== 'object' || value === null) throw invalidParam(param, `'${param}' must be an object with 'role' and 'content'`);
  const { role, content } = value as Json;
  if (role !== 'system' && role !== 'user' && role !== 'assistant' && role !== 'developer') {
    throw invalidParam(`${param}.role`, `'${param}.role' must be 'system', 'developer', 'user' or 'assistant'`);
  }
  // Content is a string, or a list of parts of which only text parts are understood here.
  if (typeof content === 'string') return { role, content };
  if (Array.isArray(content) && content.every((p) => typeof p === 'object' && p !== null && p.type === 'text' && typeof p.text === 'string')) {
    return { role, content: content.map((p) => p.text as string).join('') };
  }
  throw invalidParam(`${param}.content`, `'${param}.content' must be a string or a list of text parts (this model reads text only)`);
}

function requireObject(body: unknown): Json {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidParam('body', 'the request body must be a JSON object');
  return body as Json;
}
