// The trainer's own encoder: cut text at special tokens, cut the rest into GPT-2 pieces, and turn
// each piece's bytes into tokens by applying the learned merges in rank order (bpeMerge.ts). The
// tests check it against @huggingface/tokenizers reading the tokenizer.json the trainer writes.

import { mergeByRank, type Merge } from './bpeMerge';
import type { TrainedBpe } from './bpeTrainer';
import { gpt2Pieces, splitAtSpecialTokens } from './gpt2PreTokenizer';

export class BpeEncoder {
  /** "a,b" -> the merge of tokens a and b: its rank and the token it makes. */
  private readonly mergeOfPair = new Map<string, Merge<number>>();
  private readonly specialIds: ReadonlyMap<string, number>;
  private readonly utf8 = new TextEncoder();

  constructor(private readonly bpe: TrainedBpe) {
    bpe.merges.forEach((m, rank) => {
      const key = `${m.left},${m.right}`;
      if (!this.mergeOfPair.has(key)) this.mergeOfPair.set(key, { rank, merged: m.id });
    });
    this.specialIds = new Map(bpe.specialTokens.map((s) => [s.content, s.id]));
  }

  /** The token ids of one pre-tokenized piece. */
  encodePiece(piece: string): number[] {
    return mergeByRank(Array.from(this.utf8.encode(piece)), (a, b) => this.mergeOfPair.get(`${a},${b}`));
  }

  encode(text: string): number[] {
    const ids: number[] = [];
    for (const part of splitAtSpecialTokens(text, [...this.specialIds.keys()])) {
      if (part.special) ids.push(this.specialIds.get(part.text) as number);
      else for (const piece of gpt2Pieces(part.text)) ids.push(...this.encodePiece(piece));
    }
    return ids;
  }

  /** The text of `ids` (bytes joined, then read as UTF-8). */
  decode(ids: readonly number[]): string {
    const special = new Map(this.bpe.specialTokens.map((s) => [s.id, this.utf8.encode(s.content)]));
    const parts = ids.map((id) => {
      const bytes = special.get(id) ?? this.bpe.tokens[id];
      if (!bytes) throw new Error(`token id ${id} is not in the vocabulary`);
      return bytes;
    });
    return new TextDecoder('utf-8', { ignoreBOM: true }).decode(Buffer.concat(parts));
  }
}
