// What bytes of text a vocabulary entry stands for. The vocabulary spells tokens in a
// tokenizer-specific way, and each family needs its own reading:
//   byte-level BPE (GPT-2, Llama 3, Qwen): one character per byte, 'Ġ' = space (see byteLevel.ts);
//   SentencePiece style (Llama 2, Mistral, Gemma): '▁' marks a space, '<0xE2>' is a raw byte
//     (byte fallback for characters outside the vocabulary);
//   WordPiece (BERT): '##' starts a piece that continues a word, spaces are not tokens at all;
//   BPE with an end-of-word suffix (CLIP): 'cat</w>' is "cat" at the end of a word.

import { vocabStringToBytes } from './byteLevel';

export interface TokenSpelling {
  readonly byteLevel: boolean;
  /** The character that stands for a space, e.g. '▁'. */
  readonly spaceMarker?: string;
  /** '<0xNN>' tokens are single bytes. */
  readonly byteFallback: boolean;
  /** Prefix of word-continuing pieces, e.g. '##'. */
  readonly continuingPrefix?: string;
  /** Suffix of word-final pieces, e.g. '</w>'. */
  readonly endOfWordSuffix?: string;
}

type Json = Record<string, unknown>;

const asObject = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);

/** Every component config inside a (possibly Sequence) normalizer, pre-tokenizer or decoder. */
function components(config: unknown): Json[] {
  const c = asObject(config);
  if (!c) return [];
  const children = [c.normalizers, c.pretokenizers, c.decoders].find(Array.isArray) as unknown[] | undefined;
  return children ? children.flatMap(components) : [c];
}

/** How `tokenizerJson` spells tokens, read from its model, pre-tokenizer, normalizer and decoder. */
export function tokenSpelling(tokenizerJson: Json): TokenSpelling {
  const model = asObject(tokenizerJson.model) ?? {};
  const parts = [tokenizerJson.normalizer, tokenizerJson.pre_tokenizer, tokenizerJson.decoder].flatMap(components);
  const metaspace = parts.find((p) => p.type === 'Metaspace');
  const replacesSpace = parts.some((p) => p.type === 'Replace' && (asObject(p.pattern)?.String === '▁' || p.content === '▁'));
  const spaceMarker = metaspace ? String(metaspace.replacement ?? '▁') : replacesSpace ? '▁' : undefined;
  const prefix = model.continuing_subword_prefix ?? (model.type === 'WordPiece' ? '##' : undefined);
  return {
    byteLevel: parts.some((p) => p.type === 'ByteLevel'),
    spaceMarker,
    byteFallback: model.byte_fallback === true,
    continuingPrefix: typeof prefix === 'string' && prefix !== '' ? prefix : undefined,
    endOfWordSuffix: typeof model.end_of_word_suffix === 'string' && model.end_of_word_suffix !== '' ? model.end_of_word_suffix : undefined,
  };
}

const utf8 = new TextEncoder();
const BYTE_FALLBACK = /^<0x([0-9A-Fa-f]{2})>$/;

/** The UTF-8 bytes a vocabulary entry stands for. */
export function vocabEntryBytes(token: string, spelling: TokenSpelling): Uint8Array {
  if (spelling.byteLevel) {
    const bytes = vocabStringToBytes(token);
    if (bytes) return bytes;
  }
  if (spelling.byteFallback) {
    const hex = BYTE_FALLBACK.exec(token);
    if (hex) return Uint8Array.of(Number.parseInt(hex[1], 16));
  }
  let text = token;
  if (spelling.continuingPrefix && text.startsWith(spelling.continuingPrefix)) text = text.slice(spelling.continuingPrefix.length);
  if (spelling.endOfWordSuffix && text.endsWith(spelling.endOfWordSuffix)) text = text.slice(0, -spelling.endOfWordSuffix.length);
  if (spelling.spaceMarker) text = text.split(spelling.spaceMarker).join(' ');
  return utf8.encode(text);
}
