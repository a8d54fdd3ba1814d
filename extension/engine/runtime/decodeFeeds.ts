// The inputs of one decode-graph call: new token ids, an attention mask over past + new tokens
// (all ones: one sequence, no padding), their positions, and the cache or an empty one.

import type { DecodeSignature, FloatType, IdType } from './decodeSignature';
import { loadOrt, type OrtTensor } from './ort';

type IdArray = BigInt64Array | Int32Array;

export class DecodeFeeder {
  private readonly ort = loadOrt();
  /**
   * 1, 1, 1, ... and 0, 1, 2, ..., sliced per call without copying. They grow (doubling) to the
   * longest sequence fed so far, never to the context length config.json claims up front.
   */
  private ones: IdArray;
  private positions: IdArray;

  constructor(
    private readonly signature: DecodeSignature,
    readonly contextLength: number,
  ) {
    this.ones = idArray(signature.attentionMask ?? 'int64', 0, () => 1);
    this.positions = idArray(signature.positionIds ?? 'int64', 0, (i) => i);
  }

  private reserve(total: number): void {
    if (total <= this.ones.length) return;
    const length = Math.min(Math.max(total, 2 * this.ones.length, 256), Math.max(total, this.contextLength));
    this.ones = idArray(this.signature.attentionMask ?? 'int64', length, () => 1);
    this.positions = idArray(this.signature.positionIds ?? 'int64', length, (i) => i);
  }

  /** `past` tokens are already in `cache` (graph input name → tensor); none when it is undefined. */
  feeds(tokens: readonly number[], past: number, cache?: ReadonlyMap<string, OrtTensor>): Record<string, OrtTensor> {
    const { Tensor } = this.ort;
    const { signature } = this;
    const total = past + tokens.length;
    this.reserve(total);
    const feeds: Record<string, OrtTensor> = {
      input_ids: new Tensor(signature.idType, idArray(signature.idType, tokens.length, (i) => tokens[i]), [1, tokens.length]),
    };
    if (signature.attentionMask) feeds.attention_mask = new Tensor(signature.attentionMask, this.ones.subarray(0, total), [1, total]);
    if (signature.positionIds) feeds.position_ids = new Tensor(signature.positionIds, this.positions.subarray(past, total), [1, tokens.length]);
    for (const slot of signature.past) {
      feeds[slot.input] = cache?.get(slot.input) ?? new Tensor(slot.type, emptyFloats(slot.type), slot.emptyDims as number[]);
    }
    return feeds;
  }
}

function idArray(type: IdType, length: number, value: (i: number) => number): IdArray {
  if (type === 'int32') return Int32Array.from({ length }, (_, i) => value(i));
  const out = new BigInt64Array(length);
  for (let i = 0; i < length; i++) out[i] = BigInt(value(i));
  return out;
}

function emptyFloats(type: FloatType): Float32Array | Uint16Array {
  return type === 'float32' ? new Float32Array(0) : new Uint16Array(0);
}
