// The fast road to token spans for byte-level BPE tokenizers (GPT-2, cl100k_base, o200k_base, the
// bundled model's): the shape most text goes through, encoded here with offsets as a by-product.
//
// The general road (hfTokenizer.ts) asks @huggingface/tokenizers for ids, then recovers every
// token's bytes and offsets by walking the text again. For byte-level BPE the offsets are free:
//   1. cut the text at added tokens (<|endoftext|>), which stay whole;
//   2. cut the rest into pieces with the tokenizer's own Split regex (the RegExp that
//      @huggingface/tokenizers compiled from tokenizer.json, so the pieces are the same);
//   3. each piece becomes tokens by BPE on its bytes, and those tokens tile the piece, so each
//      token's range is where the previous one ended plus its own length.
// Natural text repeats its pieces (" the", " and", "."), so each piece's tokens and relative
// ranges are kept in a cache, as the Rust and JavaScript tokenizers keep a word cache; a piece
// seen before costs one Map lookup. A new piece is merged by bpeMerge.ts's rule (lowest rank first,
// leftmost among equals) on token ids, each pair's merge kept under one packed number; a
// piece longer than LONG_PIECE bytes goes to @huggingface/tokenizers' heap-based merge instead,
// since the simple rule costs O(n²). The tests check the spans against the general road on every
// built-in and on text made to trip tokenizers up.

import type { Tokenizer } from '@huggingface/tokenizers';
import { mergeByRank, type Merge } from './bpeMerge';
import { BYTE_TO_CHAR } from './byteLevel';
import { splitAtSpecialTokens } from './gpt2PreTokenizer';
import { byteRangesToUtf16, type ByteRange } from './tokenOffsets';
import type { TokenSpan } from './types';

/** A piece's tokens and their UTF-16 ranges inside the piece. */
interface PieceTokens {
  readonly ids: readonly number[];
  readonly ranges: readonly ByteRange[];
}

/** Pieces kept; past this the cache starts again (natural text needs a few thousand). */
const CACHE_LIMIT = 100_000;
/** Longer pieces (a run of 10,000 spaces) are not kept: they rarely come back. */
const CACHED_PIECE_LENGTH = 256;
/** Pieces of more bytes than this are merged with a heap, in O(n log n). */
const LONG_PIECE = 64;

type Json = Record<string, unknown>;

interface HfInternals {
  readonly pre_tokenizer?: { readonly tokenizers?: readonly { readonly pattern?: unknown }[] };
  readonly model: {
    encode(tokens: string[]): string[];
    readonly tokens_to_ids: ReadonlyMap<string, number>;
    readonly vocab: readonly string[];
    /** JSON.stringify([left, right]) -> rank. */
    readonly bpe_ranks: ReadonlyMap<string, number>;
    readonly ignore_merges: boolean;
  };
}

/** The Split regex when tokenizer.json is byte-level BPE of the usual shape; undefined otherwise. */
function splitRegex(json: Json, hf: Tokenizer): RegExp | undefined {
  const model = json.model as Json;
  const pre = json.pre_tokenizer as Json | null;
  const parts = (pre?.type === 'Sequence' ? pre.pretokenizers : undefined) as Json[] | undefined;
  const [split, byteLevel] = parts ?? [];
  const usual =
    (json.normalizer ?? null) === null &&
    model?.type === 'BPE' &&
    (model.dropout ?? null) === null &&
    !model.continuing_subword_prefix &&
    !model.end_of_word_suffix &&
    !model.byte_fallback &&
    parts?.length === 2 &&
    split.type === 'Split' &&
    split.behavior === 'Isolated' &&
    !split.invert &&
    typeof (split.pattern as Json)?.Regex === 'string' &&
    byteLevel.type === 'ByteLevel' &&
    !byteLevel.add_prefix_space &&
    !byteLevel.use_regex;
  if (!usual) return undefined;
  const compiled = (hf as unknown as HfInternals).pre_tokenizer?.tokenizers?.[0]?.pattern;
  return compiled instanceof RegExp && compiled.global ? compiled : undefined;
}

export class ByteLevelBpeSpans {
  private readonly cache = new Map<string, PieceTokens>();
  /** left · stride + right -> the merge of that pair (null: none), for the pairs met so far. */
  private readonly pairs = new Map<number, Merge<number> | null>();
  /** The token of each single byte. */
  private readonly byteIds: readonly number[];
  /** Largest id + 1: a pair (a, b) packs into a · stride + b, below 2⁵³ for any vocabulary size. */
  private readonly stride: number;
  private readonly textOf: string[] = [];
  private readonly bytesOf: Uint8Array[] = [];
  private readonly utf8 = new TextEncoder();
  private readonly utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

  private constructor(
    private readonly hf: HfInternals,
    private readonly regex: RegExp,
    /** Added tokens by content; `special` marks control tokens. */
    private readonly added: ReadonlyMap<string, { readonly id: number; readonly special: boolean }>,
    private readonly tokenBytes: (id: number) => Uint8Array,
  ) {
    this.byteIds = BYTE_TO_CHAR.map((c) => hf.model.tokens_to_ids.get(c) as number);
    let largest = 0;
    for (const id of hf.model.tokens_to_ids.values()) largest = Math.max(largest, id);
    this.stride = largest + 1;
  }

  /**
   * The fast road for this tokenizer, or undefined when it is not plain byte-level BPE (a
   * normalizer, another pre-tokenizer, added tokens that strip spaces): those take the general road.
   */
  static for(json: Json, hf: Tokenizer, tokenBytes: (id: number) => Uint8Array): ByteLevelBpeSpans | undefined {
    const regex = splitRegex(json, hf);
    const internals = hf as unknown as HfInternals;
    if (!regex || typeof internals.model?.encode !== 'function' || !(internals.model.tokens_to_ids instanceof Map) || !(internals.model.bpe_ranks instanceof Map) || !Array.isArray(internals.model.vocab)) return undefined;
    const addedTokens = (json.added_tokens ?? []) as Json[];
    if (addedTokens.some((t) => t.lstrip || t.rstrip || t.single_word || t.content === '')) return undefined;
    // Every byte must be a token, or some text would have no tokens at all.
    if (!BYTE_TO_CHAR.every((c) => internals.model.tokens_to_ids.has(c))) return undefined;
    const added = new Map(addedTokens.map((t) => [String(t.content), { id: Number(t.id), special: t.special === true }]));
    return new ByteLevelBpeSpans(internals, regex, added, tokenBytes);
  }

  encode(text: string): TokenSpan[] {
    const spans: TokenSpan[] = [];
    let offset = 0;
    for (const part of splitAtSpecialTokens(text, [...this.added.keys()])) {
      if (part.special) {
        const { id, special } = this.added.get(part.text) as { id: number; special: boolean };
        spans.push(this.span(id, offset, offset + part.text.length, special));
      } else {
        // The regex is global: matchAll works on a copy, so the shared object's lastIndex is untouched.
        let end = 0;
        for (const match of part.text.matchAll(this.regex)) {
          // Text the pattern skipped is a piece of its own, as Split (Isolated) makes it.
          if (match.index > end) this.pushPiece(spans, part.text.slice(end, match.index), offset + end);
          this.pushPiece(spans, match[0], offset + match.index);
          end = match.index + match[0].length;
        }
        if (end < part.text.length) this.pushPiece(spans, part.text.slice(end), offset + end);
      }
      offset += part.text.length;
    }
    return spans;
  }

  private pushPiece(spans: TokenSpan[], piece: string, at: number): void {
    if (piece === '') return;
    const tokens = this.pieceTokens(piece);
    for (let i = 0; i < tokens.ids.length; i++) spans.push(this.span(tokens.ids[i], at + tokens.ranges[i].start, at + tokens.ranges[i].end, false));
  }

  private pieceTokens(piece: string): PieceTokens {
    const cached = this.cache.get(piece);
    if (cached) return cached;
    const bytes = this.utf8.encode(piece);
    let spelled = '';
    for (const b of bytes) spelled += BYTE_TO_CHAR[b];
    const ids = this.merge(bytes, spelled);
    // One character per byte in the spelling: a token's length is its byte count.
    const byteRanges: ByteRange[] = [];
    let byte = 0;
    for (const id of ids) byteRanges.push({ start: byte, end: (byte += this.bytesFor(id).length) });
    const ranges = bytes.length === piece.length ? byteRanges : byteRangesToUtf16(piece, byteRanges);
    const tokens = { ids, ranges };
    if (piece.length <= CACHED_PIECE_LENGTH) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(piece, tokens);
    }
    return tokens;
  }

  /** The tokens of one piece, given as its bytes and their byte-level spelling. */
  private merge(bytes: Uint8Array, spelled: string): number[] {
    const { model } = this.hf;
    const whole = model.ignore_merges ? model.tokens_to_ids.get(spelled) : undefined;
    if (whole !== undefined) return [whole];
    if (bytes.length > LONG_PIECE) return model.encode([spelled]).map((token) => model.tokens_to_ids.get(token) as number);
    return mergeByRank(Array.from(bytes, (b) => this.byteIds[b]), (left, right) => this.mergeOf(left, right));
  }

  /**
   * The merge of two adjacent tokens, looked up the library's way (its rank map, keyed by the pair's
   * strings) the first time the pair is met, then kept under a numeric key.
   */
  private mergeOf(left: number, right: number): Merge<number> | undefined {
    const key = left * this.stride + right;
    let merge = this.pairs.get(key);
    if (merge === undefined) {
      const { model } = this.hf;
      const [a, b] = [model.vocab[left], model.vocab[right]];
      const rank = model.bpe_ranks.get(JSON.stringify([a, b]));
      const merged = rank === undefined ? undefined : model.tokens_to_ids.get(a + b);
      merge = rank === undefined || merged === undefined ? null : { rank, merged };
      this.pairs.set(key, merge);
    }
    return merge ?? undefined;
  }

  private bytesFor(id: number): Uint8Array {
    let bytes = this.bytesOf[id];
    if (!bytes) this.bytesOf[id] = bytes = this.tokenBytes(id);
    return bytes;
  }

  /** Bytes and text are made once per id and shared by every span of that token. */
  private span(id: number, start: number, end: number, special: boolean): TokenSpan {
    const bytes = this.bytesFor(id);
    let text = this.textOf[id];
    if (text === undefined) this.textOf[id] = text = this.utf8Decoder.decode(bytes);
    return { id, text, bytes, start, end, special };
  }
}
