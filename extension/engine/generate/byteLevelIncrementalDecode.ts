// The text of a generation as it grows, for a byte-level BPE tokenizer (GPT-2's family): each
// token stands for a fixed run of bytes, so the text of ids[0..n) is the UTF-8 decoding of their
// bytes laid end to end. Each step then decodes only the new token's bytes, where the general
// incrementalDecode.ts decodes a window of tokens twice through the tokenizer library.
//
// A character's bytes may span tokens. The bytes are cut before the last character that may still
// be incomplete (a lead byte followed by fewer continuation bytes than it announces); what comes
// before the cut is final text, and what comes after is decoded again at each step until the
// character is whole:
//   text = final + decode(pending)
// Cutting at a lead byte changes nothing: a UTF-8 decoder (WHATWG, as TextDecoder and
// @huggingface/tokenizers use) starts afresh at every byte that is not a continuation byte, so
// decoding the pieces gives the same characters, and the same U+FFFD for broken ones, as decoding
// the whole.
//
// The tokenizer library's decode(ids, skip_special_tokens) is the reference: special tokens give no
// text, and a tokenizer that cleans up spaces, decodes added tokens as text or uses another decoder
// takes the general road.

import type { HfTextTokenizer } from '../tokenizer/hfTokenizer';
import type { Decode } from './incrementalDecode';
import { incrementalDecode } from './incrementalDecode';

/** Bytes a UTF-8 lead byte announces, itself included (1 for ASCII and for bytes that can never start a character). */
function sequenceLength(byte: number): number {
  if (byte >= 0xc2 && byte <= 0xdf) return 2;
  if (byte >= 0xe0 && byte <= 0xef) return 3;
  if (byte >= 0xf0 && byte <= 0xf4) return 4;
  return 1;
}

const isContinuation = (byte: number) => (byte & 0xc0) === 0x80;

/** Where the last character that may still be incomplete starts in `bytes`, or bytes.length when none. */
export function incompleteTail(bytes: Uint8Array): number {
  for (let i = bytes.length - 1; i >= Math.max(0, bytes.length - 3); i--) {
    if (isContinuation(bytes[i])) continue;
    return sequenceLength(bytes[i]) > bytes.length - i ? i : bytes.length;
  }
  return bytes.length;
}

/** Whether decode(ids) is the plain concatenation of the tokens' bytes (special tokens skipped). */
function isPlainByteLevel(tokenizer: HfTextTokenizer): boolean {
  const decoder = tokenizer.tokenizerJson.decoder as { type?: unknown } | null | undefined;
  return decoder?.type === 'ByteLevel' && tokenizer.config.clean_up_tokenization_spaces === false;
}

/**
 * A decode function equal to tokenizer.decode(ids, { skipSpecialTokens: true }), fast when each
 * call's ids extend the previous call's; the general incremental decoder for other tokenizers.
 */
export function generationTextDecoder(tokenizer: HfTextTokenizer): Decode {
  const general = incrementalDecode((ids) => tokenizer.decode(ids, { skipSpecialTokens: true }));
  if (!isPlainByteLevel(tokenizer)) return general;
  const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
  const bytesOf = new Map<number, Uint8Array>();
  let known: readonly number[] = [];
  let final = '';
  let pending = new Uint8Array(0);
  // Set once the ids hold a non-special added token, which decodes as its own text, not as bytes.
  let addedText = false;

  return (ids) => {
    let start = known.length;
    if (ids.length < known.length || known.some((id, i) => ids[i] !== id)) [start, final, pending, addedText] = [0, '', new Uint8Array(0), false];
    known = [...ids];
    for (let i = start; i < ids.length && !addedText; i++) {
      const added = tokenizer.addedTokens.get(ids[i]);
      if (added) {
        addedText = !added.special;
        continue;
      }
      let bytes = bytesOf.get(ids[i]);
      if (!bytes) bytesOf.set(ids[i], (bytes = tokenizer.tokenBytes(ids[i])));
      const joined = new Uint8Array(pending.length + bytes.length);
      joined.set(pending);
      joined.set(bytes, pending.length);
      const cut = incompleteTail(joined);
      final += utf8.decode(joined.subarray(0, cut));
      pending = joined.slice(cut);
    }
    if (addedText) return general(ids);
    return pending.length === 0 ? final : final + utf8.decode(pending);
  };
}
