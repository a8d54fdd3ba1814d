// Supervised fine-tuning data: chat conversations rendered through the model's chat template into
// token IDs, with a loss mask that says which tokens the model is trained to produce.
//
//   {"messages": [{"role": "user", "content": "..."}, {"role": "assistant", "content": "..."}]}
//
// Only the assistant's tokens are in the loss by default (TRL's assistant_only_loss): the model
// learns to answer, not to write the user's part. An assistant turn's tokens are found as TRL does:
// the conversation rendered up to that turn with the generation prompt is a prefix of the whole
// conversation's tokens, and the conversation rendered through the turn is a longer prefix; the
// tokens between the two are the answer (and its end-of-turn token).

import { renderTemplate, templateVariables, type ChatMessage } from '../../tokenizer/chatTemplate';
import type { HfTextTokenizer } from '../../tokenizer/hfTokenizer';
import { DataError } from '../dataset';
import { readJsonl } from './jsonl';

export interface ChatExample {
  /** Line of the conversation in its file. */
  readonly line: number;
  readonly ids: readonly number[];
  /** inLoss[i]: token i is a target of the loss. */
  readonly inLoss: readonly boolean[];
}

export interface ChatDataOptions {
  /** Longest sequence the model takes (tokens); a longer answer is cut, a longer prompt refused. */
  readonly contextLength: number;
  /** Every token in the loss, the prompt's too (plain language modelling on the rendered text). */
  readonly allTokens: boolean;
}

const ROLES = new Set(['system', 'user', 'assistant', 'text']);

/** Why a record is not a conversation, or undefined when it is one. */
function conversationProblem(value: Record<string, unknown>): string | undefined {
  const messages = value.messages;
  if (!Array.isArray(messages) || messages.length === 0) return 'needs "messages", a non-empty list';
  for (const [k, m] of messages.entries()) {
    const message = m as Record<string, unknown> | null;
    if (typeof message !== 'object' || message === null) return `message ${k + 1} is not an object`;
    if (typeof message.role !== 'string' || !ROLES.has(message.role)) return `message ${k + 1} has role ${JSON.stringify(message.role)}; expected one of ${[...ROLES].join(', ')}`;
    if (typeof message.content !== 'string') return `message ${k + 1} has no text "content"`;
  }
  if (!messages.some((m) => (m as ChatMessage).role === 'assistant')) return 'the conversation has no assistant turn, so nothing to learn';
  return undefined;
}

const startsWith = (ids: readonly number[], prefix: readonly number[]) => prefix.length <= ids.length && prefix.every((id, i) => ids[i] === id);

/** One conversation's tokens and loss mask (untruncated). */
export function renderConversation(tokenizer: HfTextTokenizer, template: string, messages: readonly ChatMessage[], allTokens: boolean): { ids: number[]; inLoss: boolean[] } {
  const variables = templateVariables(tokenizer.config);
  const render = (upTo: number, addGenerationPrompt: boolean) => renderTemplate({ template, messages: messages.slice(0, upTo), addGenerationPrompt }, variables).text;
  const ids = tokenizer.encodeIds(render(messages.length, false));
  const inLoss = ids.map(() => allTokens);
  if (allTokens) return { ids, inLoss };
  messages.forEach((m, i) => {
    if (m.role !== 'assistant') return;
    const before = tokenizer.encodeIds(render(i, true));
    const through = tokenizer.encodeIds(render(i + 1, false));
    if (!startsWith(ids, before) || !startsWith(ids, through)) throw new Error(`the chat template does not render turn ${i + 1} as a prefix of the conversation, so its tokens cannot be told apart`);
    for (let t = before.length; t < through.length; t++) inLoss[t] = true;
  });
  return { ids, inLoss };
}

/** The conversations of a JSONL file as training examples. */
export function loadChatExamples(file: string, tokenizer: HfTextTokenizer, options: ChatDataOptions): ChatExample[] {
  const template = typeof tokenizer.config.chat_template === 'string' ? tokenizer.config.chat_template : undefined;
  if (!template) throw new DataError(file, `the tokenizer ${tokenizer.name} has no chat template to render conversations with (tokenizer_config.json chat_template)`);
  const limit = options.contextLength + 1; // T inputs and the T targets shifted by one
  return readJsonl(file, conversationProblem).map(({ line, value }) => {
    let rendered: { ids: number[]; inLoss: boolean[] };
    try {
      rendered = renderConversation(tokenizer, template, value.messages as ChatMessage[], options.allTokens);
    } catch (error) {
      throw new DataError(file, `line ${line}: ${(error as Error).message}`);
    }
    const firstTarget = rendered.inLoss.indexOf(true);
    if (!options.allTokens && firstTarget >= options.contextLength) {
      throw new DataError(file, `line ${line}: the prompt before the first answer is ${firstTarget} tokens, no shorter than the context of ${options.contextLength}; shorten it or raise the context length`);
    }
    return { line, ids: rendered.ids.slice(0, limit), inLoss: rendered.inLoss.slice(0, limit) };
  });
}
