// The model behind the server: a model folder's decode graph and tokenizer, and the generation
// loop every request runs. It is the decode loop of generate/decodeSession.ts (prefill, then one
// token at a time with the KV cache), with each model call taking its turn in the FairQueue and
// the model's own log-probabilities kept for `logprobs`:
//   logprob(token) = log softmax(logits)[token]   (the raw model, before temperature and top_p,
//                                                   as OpenAI and vLLM report them)

import { randomInt } from 'node:crypto';
import * as path from 'node:path';
import { generationTextDecoder } from '../generate/byteLevelIncrementalDecode';
import { startDecoding, stepOnce, type DecodeState, type FinishReason } from '../generate/decodeSession';
import { settledText } from '../generate/generate';
import { logSoftmax } from '../generate/probabilities';
import { topIndices } from '../generate/ranking';
import type { LanguageModel } from '../model/languageModel';
import { readModelFolder } from '../modelFolder/readModelFolder';
import { openLanguageModel } from '../runtime/openModelFolder';
import { renderTemplate, templateVariables } from '../tokenizer/chatTemplate';
import type { HfTextTokenizer } from '../tokenizer/hfTokenizer';
import { loadTokenizerFile } from '../tokenizer/loadTokenizerFile';
import { ApiError, invalidParam } from './apiError';
import type { FairQueue } from './fairQueue';
import type { GenerationRequest } from './requestFields';

export interface TokenLogprob {
  readonly token: string;
  readonly logprob: number;
  readonly bytes: number[];
}

export interface ServedToken {
  readonly id: number;
  /** Text that became final with this token ('' while a character's bytes or a stop string may still follow). */
  readonly delta: string;
  /** Where this token's text starts in the completion (completions' text_offset). */
  readonly textOffset: number;
  /** Only when the request asked for logprobs: this token's, and the most probable alternatives' (most probable first). */
  readonly logprobs?: TokenLogprob & { readonly top: readonly TokenLogprob[] };
}

/** OpenAI's finish reasons: 'stop' (end token or stop string) or 'length' (max_tokens or a full context). */
export type ApiFinishReason = 'stop' | 'length';

export interface ServedResult {
  readonly text: string;
  readonly finishReason: ApiFinishReason;
  readonly promptTokens: number;
  readonly completionTokens: number;
}

const FINISH: Record<FinishReason, ApiFinishReason> = { 'stop-token': 'stop', 'stop-string': 'stop', 'max-new-tokens': 'length', 'context-full': 'length' };
const utf8 = new TextDecoder('utf-8');

export class ServedModel {
  private constructor(
    /** The id clients pass as `model`: the folder's name. */
    readonly id: string,
    readonly dir: string,
    readonly model: LanguageModel & { release(): Promise<void> },
    readonly tokenizer: HfTextTokenizer,
    private readonly eosTokenIds: readonly number[],
    private readonly chatTemplate: string | undefined,
    private readonly templateVariables: Record<string, string>,
  ) {}

  static async open(dir: string): Promise<ServedModel> {
    const folder = readModelFolder(dir);
    const tokenizer = await loadTokenizerFile(folder.dir);
    const model = await openLanguageModel(folder);
    return new ServedModel(path.basename(folder.dir), folder.dir, model, tokenizer, folder.generation.eosTokenIds, folder.chatTemplate, templateVariables(folder.tokenizerConfig));
  }

  release(): Promise<void> {
    return this.model.release();
  }

  /** The prompt's token ids: the chat template applied to chat messages, a completion's prompt as given. */
  promptTokens(request: GenerationRequest): number[] {
    let ids: number[];
    if (request.kind === 'chat') {
      if (this.chatTemplate === undefined) throw invalidParam('messages', `model '${this.id}' has no chat template (tokenizer_config.json has no chat_template); use /v1/completions`);
      const rendered = renderTemplate({ template: this.chatTemplate, messages: request.messages, addGenerationPrompt: true }, this.templateVariables);
      ids = this.tokenizer.encodeIds(rendered.text);
    } else if (typeof request.prompt === 'string') {
      ids = this.tokenizer.encodeIds(request.prompt, { addSpecialTokens: true });
    } else {
      ids = [...request.prompt];
      const bad = ids.find((t) => t >= this.model.vocabSize);
      if (bad !== undefined) throw invalidParam('prompt', `token id ${bad} is not in the vocabulary (0..${this.model.vocabSize - 1})`);
    }
    if (ids.length === 0) throw invalidParam(request.kind === 'chat' ? 'messages' : 'prompt', 'the prompt is empty: the model needs at least one token to continue');
    // The last position must leave room for one new token.
    if (ids.length >= this.model.contextLength) {
      throw new ApiError(400, `this model's context holds ${this.model.contextLength} tokens, but the prompt has ${ids.length}; shorten it`, 'invalid_request_error', request.kind === 'chat' ? 'messages' : 'prompt', 'context_length_exceeded');
    }
    return ids;
  }

  /**
   * Generates for one request, calling `onToken` as each token is chosen. Every model call waits
   * for its turn in `queue`; once `signal` aborts (the client left) it stops after the call in progress.
   */
  async generate(request: GenerationRequest, prompt: readonly number[], queue: FairQueue, signal: AbortSignal, onToken: (token: ServedToken) => void): Promise<ServedResult> {
    // Each step's text grows by one token: only its bytes are decoded, not all the ids again.
    const decode = generationTextDecoder(this.tokenizer);
    const options = {
      sampler: { temperature: request.temperature, topP: request.topP },
      maxNewTokens: request.maxTokens,
      seed: request.seed ?? randomInt(2 ** 31),
      stopTokenIds: this.eosTokenIds,
      stopStrings: request.stop,
      decode,
    };
    let state: DecodeState = await queue.turn(() => startDecoding(this.model, prompt, options), signal);
    let sent = '';
    while (!state.finishReason) {
      signal.throwIfAborted();
      const logprobs = request.topLogprobs === undefined ? undefined : logSoftmax(state.nextLogits);
      const before: DecodeState = state;
      const { state: next, step } = await queue.turn(() => stepOnce(before, 'sample'), signal);
      state = next;
      // The end token itself is not part of the text (OpenAI leaves it out too).
      if (step.finishReason === 'stop-token') break;
      const settled = step.finishReason ? state.text : settledText(state.text, request.stop);
      const delta = settled.startsWith(sent) ? settled.slice(sent.length) : '';
      const top = logprobs && topIndices(logprobs, request.topLogprobs ?? 0).map((t) => this.logprobOf(t, logprobs));
      onToken({ id: step.token, delta, textOffset: before.text.length, ...(logprobs && top ? { logprobs: { ...this.logprobOf(step.token, logprobs), top } } : {}) });
      sent += delta;
    }
    return { text: state.text, finishReason: FINISH[state.finishReason ?? 'max-new-tokens'], promptTokens: prompt.length, completionTokens: state.generated.length };
  }

  private logprobOf(id: number, logprobs: Float64Array): TokenLogprob {
    const added = this.tokenizer.addedTokens.get(id);
    const bytes = added ? new TextEncoder().encode(added.content) : this.tokenizer.tokenBytes(id);
    return { token: added ? added.content : utf8.decode(bytes), logprob: logprobs[id], bytes: [...bytes] };
  }
}
