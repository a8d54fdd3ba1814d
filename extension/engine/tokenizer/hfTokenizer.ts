// A TextTokenizer on top of @huggingface/tokenizers: any tokenizer.json (BPE, WordPiece, Unigram)
// encodes to token spans with ids, the bytes each token stands for and where it sits in the text.

import type { Tokenizer } from '@huggingface/tokenizers';
import { ByteLevelBpeSpans } from './byteLevelBpeSpans';
import { tokenSpelling, vocabEntryBytes, type TokenSpelling } from './tokenBytes';
import { alignTokenBytes, byteRangesToUtf16 } from './tokenOffsets';
import type { TextTokenizer, TokenSpan } from './types';

export interface EncodeOptions {
  /**
   * Also add the tokens the tokenizer's post-processor puts around a text (BERT's [CLS] and [SEP],
   * Llama's <s>). They take no room in the text: their spans are empty. Default false.
   */
  readonly addSpecialTokens?: boolean;
}

/** An added token (tokenizer.json's added_tokens): found whole in the text before anything else runs. */
export interface AddedTokenInfo {
  readonly id: number;
  readonly content: string;
  readonly special: boolean;
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

export class HfTextTokenizer implements TextTokenizer {
  /** The @huggingface/tokenizers object, for code that needs its parts (the BPE trace). */
  readonly hf: Tokenizer;
  readonly vocabSize: number;
  /** The model type in tokenizer.json: "BPE", "WordPiece" or "Unigram". */
  readonly modelType: string;
  readonly spelling: TokenSpelling;
  /** Every added token by id; `special` marks the ones a model treats as control tokens. */
  readonly addedTokens: ReadonlyMap<number, AddedTokenInfo>;
  /** Special token text -> id, e.g. "<|endoftext|>" -> 50256. */
  readonly specialTokens: ReadonlyMap<string, number>;
  /** The fast road to spans, for plain byte-level BPE (undefined for other tokenizers). */
  private readonly byteLevelSpans: ByteLevelBpeSpans | undefined;

  /**
   * @param tokenizerJson parsed tokenizer.json
   * @param config parsed tokenizer_config.json ({} when there is none)
   * @param files where they were read from, for messages (none for a built-in)
   */
  constructor(
    readonly name: string,
    readonly tokenizerJson: Record<string, unknown>,
    readonly config: Record<string, unknown> = {},
    readonly files: { readonly tokenizerJson?: string; readonly chatTemplate?: string } = {},
  ) {
    // Required here, with the first tokenizer, not when the extension host starts.
    const { Tokenizer } = require('@huggingface/tokenizers') as typeof import('@huggingface/tokenizers');
    this.hf = new Tokenizer(tokenizerJson, config);
    const model = tokenizerJson.model as Record<string, unknown>;
    this.modelType = String(model.type ?? (Array.isArray(model.vocab) ? 'Unigram' : 'BPE'));
    this.spelling = tokenSpelling(tokenizerJson);
    const added = new Map<number, AddedTokenInfo>();
    for (const token of this.hf.get_added_tokens_decoder().values()) added.set(token.id, { id: token.id, content: token.content, special: token.special });
    this.addedTokens = added;
    this.specialTokens = new Map([...added.values()].filter((t) => t.special).map((t) => [t.content, t.id]));
    // The model's id -> token table, added tokens included: its length is the largest id + 1.
    this.vocabSize = this.hf.model?.vocab.length ?? 0;
    this.byteLevelSpans = ByteLevelBpeSpans.for(tokenizerJson, this.hf, (id) => this.tokenBytes(id));
  }

  /** Token ids only, the fast path for long texts. */
  encodeIds(text: string, options: EncodeOptions = {}): number[] {
    return this.hf.encode(text, { add_special_tokens: options.addSpecialTokens ?? false }).ids;
  }

  encode(text: string, options: EncodeOptions = {}): TokenSpan[] {
    const addsNothing = !options.addSpecialTokens || !this.tokenizerJson.post_processor;
    if (this.byteLevelSpans && addsNothing) return this.byteLevelSpans.encode(text);
    return this.encodeByAlignment(text, options);
  }

  /**
   * The general road, for every tokenizer: ids from @huggingface/tokenizers, then each token's bytes
   * found in the text by walking it (tokenOffsets.ts).
   */
  encodeByAlignment(text: string, options: EncodeOptions = {}): TokenSpan[] {
    const plain = this.hf.encode(text, { add_special_tokens: false });
    const ids = options.addSpecialTokens ? this.hf.encode(text, { add_special_tokens: true }).ids : plain.ids;
    // Post-processor tokens go around the text's own tokens: find where those sit in the full list.
    const first = ids.length === plain.ids.length ? 0 : indexOfRun(ids, plain.ids);
    const zeroWidth = ids.map((_, i) => i < first || i >= first + plain.ids.length);
    const bytes = ids.map((id) => this.tokenBytes(id));
    const input = utf8.encode(text);
    const ranges = byteRangesToUtf16(text, alignTokenBytes(input, bytes, zeroWidth));
    return ids.map((id, i) => {
      const added = this.addedTokens.get(id);
      return {
        id,
        text: added ? added.content : utf8Decoder.decode(bytes[i]),
        bytes: bytes[i],
        start: ranges[i].start,
        end: ranges[i].end,
        special: added?.special ?? false,
      };
    });
  }

  decode(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string {
    if (ids.length === 0) return '';
    const unknown = ids.find((id) => !Number.isInteger(id) || this.hf.id_to_token(id) === undefined);
    if (unknown !== undefined) throw new Error(`${this.name}: token id ${unknown} is not in the vocabulary (ids 0 to ${this.vocabSize - 1})`);
    return this.hf.decode([...ids], { skip_special_tokens: options.skipSpecialTokens ?? false });
  }

  /** The vocabulary entry for an id ("Ġthe", "▁the", "##ing"), undefined when the id is not used. */
  idToToken(id: number): string | undefined {
    return this.hf.id_to_token(id);
  }

  tokenToId(token: string): number | undefined {
    return this.hf.token_to_id(token);
  }

  /** The UTF-8 bytes token `id` stands for (an added token: its text). */
  tokenBytes(id: number): Uint8Array {
    const added = this.addedTokens.get(id);
    if (added) return utf8.encode(added.content);
    const token = this.hf.id_to_token(id);
    return token === undefined ? new Uint8Array(0) : vocabEntryBytes(token, this.spelling);
  }
}

/** Where `run` first occurs inside `list` (0 when it does not, which cannot happen for a post-processor's output). */
function indexOfRun(list: readonly number[], run: readonly number[]): number {
  outer: for (let i = 0; i + run.length <= list.length; i++) {
    for (let j = 0; j < run.length; j++) if (list[i + j] !== run[j]) continue outer;
    return i;
  }
  return 0;
}
