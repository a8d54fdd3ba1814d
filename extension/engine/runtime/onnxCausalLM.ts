// A causal language model run by ONNX Runtime from any decode graph in the Optimum layout: ours
// (built from a GPT definition) or a foreign folder's model.onnx.
//
// With past_key_values the first call (prefill) runs the prompt and later calls (decode) run one
// token each: the present.* tensors a step returns are fed back unchanged as the next step's
// past_key_values.*, so a step costs one token of compute and no copies of the cache.
// Without past_key_values every call reruns the whole sequence (hasKVCache is false).

import type { CausalLMConfig } from '../modelFolder/causalLMConfig';
import type { ForwardResult, KVCache } from '../model/languageModel';
import { lastRow, type CausalLM, type SequenceLogits } from './causalLM';
import { DecodeFeeder } from './decodeFeeds';
import { readDecodeSignature, type DecodeSignature, type FloatType } from './decodeSignature';
import { float16ArrayToFloat32 } from '../modelFolder/float16';
import { openSession, type OrtSession, type OrtTensor, type SessionSettings } from './ort';

/** Keys and values of every layer, as the graph returned them. */
class PresentCache implements KVCache {
  constructor(
    readonly owner: OnnxCausalLM,
    readonly length: number,
    /** Graph input name (past_key_values.*) → tensor to feed. */
    readonly tensors: ReadonlyMap<string, OrtTensor>,
    readonly bytes: number,
  ) {}
}

/** A graph without a cache keeps the tokens and recomputes them. */
class TokenCache implements KVCache {
  readonly bytes = 0;
  constructor(
    readonly owner: OnnxCausalLM,
    readonly tokens: readonly number[],
  ) {}
  get length(): number {
    return this.tokens.length;
  }
}

export interface OpenOptions extends SessionSettings {
  /** The folder's config.json, for sizes the graph leaves symbolic and the context length. */
  readonly config?: CausalLMConfig;
  /** Names the graph in errors, e.g. "onnx/model.onnx". */
  readonly shownAs?: string;
  /** Overrides config.json's context length (our GPT's n_positions). */
  readonly contextLength?: number;
}

export class OnnxCausalLM implements CausalLM {
  readonly vocabSize: number;
  readonly contextLength: number;
  /** False when the graph has no past_key_values inputs, so each step recomputes the sequence. */
  readonly hasKVCache: boolean;
  readonly signature: DecodeSignature;
  private readonly feeder: DecodeFeeder;
  private readonly fetches: string[];

  private constructor(
    private readonly session: OrtSession,
    signature: DecodeSignature,
    contextLength: number,
    readonly shownAs: string,
  ) {
    this.signature = signature;
    this.vocabSize = signature.vocabSize;
    this.contextLength = contextLength;
    this.hasKVCache = signature.past.length > 0;
    this.fetches = ['logits', ...signature.past.map((slot) => slot.output)];
    this.feeder = new DecodeFeeder(signature, contextLength);
  }

  /** Opens a decode graph from a file path or from bytes built in memory. */
  static async open(source: string | Uint8Array, options: OpenOptions = {}): Promise<OnnxCausalLM> {
    const shownAs = options.shownAs ?? (typeof source === 'string' ? source : 'decode graph');
    const session = await openSession(source, shownAs, options);
    const signature = readDecodeSignature(session, options.config, shownAs);
    const contextLength = options.contextLength ?? options.config?.contextLength;
    if (contextLength === undefined) {
      await session.release();
      throw new Error(`${shownAs}: the context length is unknown (config.json has no max_position_embeddings or n_positions)`);
    }
    return new OnnxCausalLM(session, signature, contextLength, shownAs);
  }

  async forward(tokens: readonly number[], cache?: KVCache): Promise<ForwardResult> {
    const result = await this.forwardAll(tokens, cache);
    return { logits: lastRow(result.logits, tokens.length, this.vocabSize), cache: result.cache };
  }

  /** Like forward(), with the logits of every new token: what evaluation scores. */
  async forwardAll(tokens: readonly number[], cache?: KVCache): Promise<SequenceLogits> {
    if (tokens.length === 0) throw new Error('forward() needs at least one token');
    if (cache !== undefined && (!(cache instanceof PresentCache || cache instanceof TokenCache) || cache.owner !== this)) {
      throw new Error(`${this.shownAs}: the cache passed to forward() was made by another model`);
    }
    if (!this.hasKVCache) {
      const all = [...((cache as TokenCache | undefined)?.tokens ?? []), ...tokens];
      const { logits } = await this.run(all, undefined);
      return { logits: logits.subarray((all.length - tokens.length) * this.vocabSize), cache: new TokenCache(this, all) };
    }
    const { logits, cache: next } = await this.run(tokens, cache as PresentCache | undefined);
    return { logits, cache: next as PresentCache };
  }

  async release(): Promise<void> {
    await this.session.release();
  }

  private async run(tokens: readonly number[], cache: PresentCache | undefined): Promise<{ logits: Float32Array; cache?: PresentCache }> {
    const past = cache?.length ?? 0;
    const total = past + tokens.length;
    if (total > this.contextLength) {
      throw new Error(`${this.shownAs}: ${total} tokens exceed the context length of ${this.contextLength}`);
    }
    const { signature } = this;
    const feeds = this.feeder.feeds(tokens, past, cache?.tensors);

    const outputs = await this.session.run(feeds, this.fetches);
    const logits = toFloat32(outputs.logits, signature.logitsType);
    if (!this.hasKVCache) return { logits };
    const tensors = new Map<string, OrtTensor>();
    let bytes = 0;
    for (const slot of signature.past) {
      const present = outputs[slot.output];
      tensors.set(slot.input, present);
      bytes += (present.data as ArrayBufferView).byteLength;
    }
    return { logits, cache: new PresentCache(this, total, tensors, bytes) };
  }
}

/** Logits as float32, widened from float16 when the graph returns half precision. */
export function toFloat32(tensor: OrtTensor, type: FloatType): Float32Array {
  if (type === 'float32') return tensor.data as Float32Array;
  const data = tensor.data as ArrayBufferView;
  return float16ArrayToFloat32(new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2));
}

