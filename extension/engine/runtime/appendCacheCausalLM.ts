// Runs the append-cache decode graph (gpt/appendCacheDecodeModel.ts): each layer's keys and values
// live in one growing buffer, [tokens, C] row after row. A step feeds a view of the first `past`
// rows, and writes the rows the graph returns for the new tokens after them. So a decode step
// copies one token's keys and values (4 KB for the bundled model), where the Optimum layout hands
// back the whole cache at every step.
//
// Caches stay immutable to their users, as KVCache promises (the Decoding Playground keeps old
// states to step back; speculative decoding goes back to the last accepted token): a buffer
// records how many rows are in use, and extending a cache that is not the newest on its buffer
// first copies its rows into a buffer of its own, so the newer cache keeps what it holds.

import { MASKED } from '../gpt/attentionMask';
import type { GPTConfig } from '../gpt/config';
import { appendCacheInput, buildAppendCacheDecodeModel, LOGITS_FROM, NEW_KEYS_VALUES } from '../gpt/appendCacheDecodeModel';
import type { TensorMap } from '../gpt/tensor';
import type { ForwardResult, KVCache } from '../model/languageModel';
import type { CausalLM, SequenceLogits } from './causalLM';
import { loadOrt, openSession, type OrtSession, type OrtTensor, type SessionSettings } from './ort';

/** Rows a new sequence's buffer starts with (at least its prompt's); it doubles when full. */
const FIRST_ROWS = 64;

/** Keys and values of every layer, [capacity, C] each, of which the first `used` rows are filled. */
class CacheBuffer {
  used = 0;
  constructor(
    /** Per layer: keys, then values. */
    public rows: Float32Array[],
    readonly width: number,
  ) {}

  static empty(layers: number, width: number, capacity: number): CacheBuffer {
    return new CacheBuffer(Array.from({ length: 2 * layers }, () => new Float32Array(capacity * width)), width);
  }

  get capacity(): number {
    return this.rows[0].length / this.width;
  }

  /** A new buffer holding a copy of the first `length` rows. */
  fork(length: number, capacity: number): CacheBuffer {
    const copy = new CacheBuffer(
      this.rows.map((rows) => {
        const grown = new Float32Array(capacity * this.width);
        grown.set(rows.subarray(0, length * this.width));
        return grown;
      }),
      this.width,
    );
    copy.used = length;
    return copy;
  }

  /** Room for `length` rows: the arrays are replaced by twice-larger copies (up to `limit`) when full. */
  reserve(length: number, limit: number): void {
    if (length <= this.capacity) return;
    const capacity = Math.min(limit, Math.max(length, 2 * this.capacity));
    this.rows = this.fork(this.used, capacity).rows;
  }
}

class AppendCache implements KVCache {
  constructor(
    readonly owner: AppendCacheCausalLM,
    readonly buffer: CacheBuffer,
    readonly length: number,
  ) {}

  get bytes(): number {
    return this.length * this.buffer.width * this.buffer.rows.length * Float32Array.BYTES_PER_ELEMENT;
  }
}

export class AppendCacheCausalLM implements CausalLM {
  readonly vocabSize: number;
  readonly contextLength: number;
  readonly hasKVCache = true;
  private readonly ort = loadOrt();
  /** 0, 1, 2, ... up to the context length, sliced per call; and zeros for a query that sees every key. */
  private readonly positions: BigInt64Array;
  private readonly noMask: Float32Array;
  /** logits_from = 0, which every decode step feeds (its one token is the first and the last). */
  private readonly fromFirst: OrtTensor;
  /** The graph's cache inputs, in the order of the buffer's rows: layer 0's keys, its values, ... */
  private readonly pastInputs: string[];

  private constructor(
    private readonly session: OrtSession,
    private readonly config: GPTConfig,
    readonly shownAs: string,
  ) {
    this.vocabSize = config.vocab_size;
    this.contextLength = config.n_positions;
    this.positions = BigInt64Array.from({ length: config.n_positions }, (_, i) => BigInt(i));
    this.noMask = new Float32Array(config.n_positions);
    this.fromFirst = new this.ort.Tensor('int64', BigInt64Array.of(0n), [1]);
    this.pastInputs = Array.from({ length: config.n_layer }, (_, layer) => [appendCacheInput(layer, 'key'), appendCacheInput(layer, 'value')]).flat();
  }

  static async open(config: GPTConfig, weights: TensorMap, shownAs: string, settings: SessionSettings = {}): Promise<AppendCacheCausalLM> {
    const session = await openSession(buildAppendCacheDecodeModel(config, weights), shownAs, settings);
    return new AppendCacheCausalLM(session, config, shownAs);
  }

  /** The graph computes the last token's logits alone. */
  forward(tokens: readonly number[], cache?: KVCache): Promise<ForwardResult> {
    return this.run(tokens, cache, tokens.length - 1);
  }

  forwardAll(tokens: readonly number[], cache?: KVCache): Promise<SequenceLogits> {
    return this.run(tokens, cache, 0);
  }

  /** Runs `tokens` after `cache`, with the logits of the tokens from index `logitsFrom` on. */
  private async run(tokens: readonly number[], cache: KVCache | undefined, logitsFrom: number): Promise<SequenceLogits> {
    if (tokens.length === 0) throw new Error('forward() needs at least one token');
    if (cache !== undefined && (!(cache instanceof AppendCache) || cache.owner !== this)) {
      throw new Error(`${this.shownAs}: the cache passed to forward() was made by another model`);
    }
    const past = cache?.length ?? 0;
    const total = past + tokens.length;
    if (total > this.contextLength) {
      throw new Error(`${this.shownAs}: ${total} tokens exceed the context length of ${this.contextLength}`);
    }
    const buffer = this.bufferFor(cache, total);
    // Claimed before the run, so that a second call from the same cache meanwhile takes a copy.
    buffer.used = total;

    const { Tensor } = this.ort;
    const C = this.config.n_embd;
    const feeds: Record<string, OrtTensor> = {
      input_ids: new Tensor('int64', BigInt64Array.from(tokens, (t) => BigInt(t)), [1, tokens.length]),
      position_ids: new Tensor('int64', this.positions.subarray(past, total), [1, tokens.length]),
      attention_bias: new Tensor('float32', this.attentionBias(past, tokens.length), [1, 1, tokens.length, total]),
      [LOGITS_FROM]: logitsFrom === 0 ? this.fromFirst : new Tensor('int64', BigInt64Array.of(BigInt(logitsFrom)), [1]),
    };
    this.pastInputs.forEach((name, j) => {
      feeds[name] = new Tensor('float32', buffer.rows[j].subarray(0, past * C), [1, past, C]);
    });
    const outputs = await this.session.run(feeds);
    // [2 · n_layer, T, C]: block j holds the T new rows of buffer j.
    const added = outputs[NEW_KEYS_VALUES].data as Float32Array;
    const block = tokens.length * C;
    for (let j = 0; j < buffer.rows.length; j++) buffer.rows[j].set(added.subarray(j * block, (j + 1) * block), past * C);
    return { logits: outputs.logits.data as Float32Array, cache: new AppendCache(this, buffer, total) };
  }

  async release(): Promise<void> {
    await this.session.release();
  }

  /** The buffer to extend `cache` in: its own when it is the newest there, else a copy. */
  private bufferFor(cache: AppendCache | undefined, total: number): CacheBuffer {
    const limit = this.contextLength;
    if (!cache) return CacheBuffer.empty(this.config.n_layer, this.config.n_embd, Math.min(limit, Math.max(total, FIRST_ROWS)));
    if (cache.buffer.used !== cache.length) return cache.buffer.fork(cache.length, Math.min(limit, Math.max(total, cache.buffer.capacity)));
    cache.buffer.reserve(total, limit);
    return cache.buffer;
  }

  /** [T, past + T]: new token t is at position past + t and sees keys 0 .. past + t. */
  private attentionBias(past: number, count: number): Float32Array {
    if (count === 1) return this.noMask.subarray(0, past + 1);
    const total = past + count;
    const bias = new Float32Array(count * total);
    for (let t = 0; t < count; t++) bias.fill(MASKED, t * total + past + t + 1, (t + 1) * total);
    return bias;
  }
}
