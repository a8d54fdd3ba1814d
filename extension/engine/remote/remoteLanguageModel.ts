// A model behind an OpenAI-compatible server, seen through the one window such a server opens:
// the top-k next tokens with their log-probabilities. It is a LanguageModel, so the decoding
// playground's step-by-step session runs on it unchanged:
//   - the server's tokens are strings; each new string seen gets an id here (RemoteVocabulary);
//   - forward() sends the text so far (the prompt and the strings of the tokens chosen) and
//     returns logits that hold the k log-probabilities and -∞ elsewhere, so that softmax gives
//     p_i = exp(lp_i) / Σ_top-k exp(lp_j): the server's distribution renormalised over the k it
//     showed. The mass outside the top k is unknown;
//   - the "KV cache" is only the list of tokens: the real one lives on the server.

import type { ForwardResult, KVCache, LanguageModel } from '../model/languageModel';
import { REMOTE_TOP_K, remoteTopLogprobs, type RemoteServer } from './topLogprobs';

/** Distinct token strings one session may meet. */
const VOCABULARY_CAPACITY = 65_536;

/** The token strings met so far, each with an id in the order first seen. */
export class RemoteVocabulary {
  private readonly ids = new Map<string, number>();
  private readonly strings: string[] = [];

  idOf(token: string): number {
    let id = this.ids.get(token);
    if (id === undefined) {
      if (this.strings.length >= VOCABULARY_CAPACITY) throw new Error(`the remote session met more than ${VOCABULARY_CAPACITY} distinct tokens; restart it`);
      id = this.strings.length;
      this.ids.set(token, id);
      this.strings.push(token);
    }
    return id;
  }

  text(id: number): string {
    const text = this.strings[id];
    if (text === undefined) throw new Error(`remote token ${id} was never seen`);
    return text;
  }
}

class TokenList implements KVCache {
  readonly bytes = 0;
  constructor(readonly tokens: readonly number[]) {}
  get length(): number {
    return this.tokens.length;
  }
}

export class RemoteLanguageModel implements LanguageModel {
  readonly vocabSize = VOCABULARY_CAPACITY;
  readonly vocabulary = new RemoteVocabulary();

  /**
   * `promptToken`: the prompt enters as one token (its text is sent whole; the server tokenizes
   * it its own way). `contextLength`: how many tokens the session may hold here.
   */
  constructor(
    readonly server: RemoteServer,
    readonly contextLength = 4096,
    readonly topK = REMOTE_TOP_K,
  ) {}

  /** The id of a text sent whole (the prompt). */
  textToken(text: string): number {
    return this.vocabulary.idOf(text);
  }

  decode(tokens: readonly number[]): string {
    return tokens.map((t) => this.vocabulary.text(t)).join('');
  }

  async forward(tokens: readonly number[], cache?: KVCache): Promise<ForwardResult> {
    const all = [...((cache as TokenList | undefined)?.tokens ?? []), ...tokens];
    const alternatives = await remoteTopLogprobs(this.server, this.decode(all), this.topK);
    if (alternatives.length === 0) throw new Error(`${this.server.url}: the server returned no alternatives for the next token`);
    const logits = new Float32Array(this.vocabSize).fill(-Infinity);
    for (const { token, logprob } of alternatives) logits[this.vocabulary.idOf(token)] = logprob;
    return { logits, cache: new TokenList(all) };
  }
}
