// The JSON the OpenAI API answers with, for a whole response and for each server-sent event of a
// stream. Completions and chat completions report the same generation in two dialects:
//   completions: choices[0].text, logprobs { tokens, token_logprobs, top_logprobs: [{token: lp}], text_offset }
//   chat:        choices[0].message.content, logprobs { content: [{ token, logprob, bytes, top_logprobs }] }

import { randomBytes } from 'node:crypto';
import type { GenerationRequest } from './requestFields';
import type { ApiFinishReason, ServedResult, ServedToken } from './servedModel';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export const usageOf = (result: ServedResult): Usage => ({
  prompt_tokens: result.promptTokens,
  completion_tokens: result.completionTokens,
  total_tokens: result.promptTokens + result.completionTokens,
});

/** One response's id, its creation time and its model: the same on every chunk of a stream. */
export interface ResponseHead {
  readonly id: string;
  readonly created: number;
  readonly model: string;
}

export function responseHead(request: GenerationRequest): ResponseHead {
  const prefix = request.kind === 'chat' ? 'chatcmpl-' : 'cmpl-';
  return { id: prefix + randomBytes(12).toString('hex'), created: Math.floor(Date.now() / 1000), model: request.model };
}

type WithLogprobs = ServedToken & { logprobs: NonNullable<ServedToken['logprobs']> };
const withLogprobs = (tokens: readonly ServedToken[]) => tokens.filter((t): t is WithLogprobs => t.logprobs !== undefined);

function completionLogprobs(served: readonly ServedToken[]) {
  const tokens = withLogprobs(served);
  return {
    tokens: tokens.map((t) => t.logprobs.token),
    token_logprobs: tokens.map((t) => t.logprobs.logprob),
    top_logprobs: tokens.map((t) => Object.fromEntries(t.logprobs.top.map((a) => [a.token, a.logprob]))),
    text_offset: tokens.map((t) => t.textOffset),
  };
}

function chatLogprobs(served: readonly ServedToken[]) {
  const content = withLogprobs(served).map(({ logprobs: { token, logprob, bytes, top } }) => ({ token, logprob, bytes, top_logprobs: top.map((a) => ({ token: a.token, logprob: a.logprob, bytes: a.bytes })) }));
  return { content, refusal: null };
}

/** The whole response of a request that did not stream. */
export function fullResponse(request: GenerationRequest, head: ResponseHead, result: ServedResult, tokens: readonly ServedToken[]): object {
  const logprobs = request.topLogprobs === undefined;
  if (request.kind === 'completion') {
    return {
      ...head,
      object: 'text_completion',
      choices: [{ index: 0, text: result.text, logprobs: logprobs ? null : completionLogprobs(tokens), finish_reason: result.finishReason }],
      usage: usageOf(result),
    };
  }
  return {
    ...head,
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content: result.text, refusal: null }, logprobs: logprobs ? null : chatLogprobs(tokens), finish_reason: result.finishReason }],
    usage: usageOf(result),
  };
}

/**
 * One event of a stream: a token's text (and logprobs), or with `finish` the last choice event.
 * Chat streams open with the assistant's role; `usage` goes in a last event with no choices.
 */
export function streamChunk(request: GenerationRequest, head: ResponseHead, part: { token?: ServedToken; finish?: ApiFinishReason; first?: boolean; usage?: Usage }): object {
  const tokens = part.token ? [part.token] : [];
  const hasLogprobs = part.token?.logprobs !== undefined;
  const usage = part.usage ? { usage: part.usage } : {};
  if (request.kind === 'completion') {
    const choices = part.usage ? [] : [{ index: 0, text: part.token?.delta ?? '', logprobs: hasLogprobs ? completionLogprobs(tokens) : null, finish_reason: part.finish ?? null }];
    return { ...head, object: 'text_completion', choices, ...usage };
  }
  const delta = part.first ? { role: 'assistant', content: '' } : part.token ? { content: part.token.delta } : {};
  const choices = part.usage ? [] : [{ index: 0, delta, logprobs: hasLogprobs ? chatLogprobs(tokens) : null, finish_reason: part.finish ?? null }];
  return { ...head, object: 'chat.completion.chunk', choices, ...usage };
}

/** GET /v1/models. */
export function modelList(id: string, created: number): object {
  return { object: 'list', data: [{ id, object: 'model', created, owned_by: 'llm-pipeline-lab' }] };
}

/**
 * streamChunk(request, head, { token }) as JSON, made cheaply for the events of a stream: every
 * token's event is the same text but for the token's own text, so that text is spliced into one
 * event serialised beforehand. Building and serialising a whole chunk per token took ~10 µs of
 * the server's ~0.5 ms per token on the bundled model (`node --cpu-prof`). Tokens with logprobs
 * are serialised whole.
 */
export function tokenEventJson(request: GenerationRequest, head: ResponseHead): (token: ServedToken) => string {
  // A placeholder no model name or response id contains (a folder name cannot hold U+0000).
  const placeholder = '\u0000token text\u0000';
  const [before, after] = JSON.stringify(streamChunk(request, head, { token: { id: 0, delta: placeholder, textOffset: 0 } })).split(JSON.stringify(placeholder));
  return (token) => (token.logprobs ? JSON.stringify(streamChunk(request, head, { token })) : before + JSON.stringify(token.delta) + after);
}
