// Engine token spans turned into what the panel draws: chips with hex bytes, and the counts.
import type { TokenSpan } from '../engine/tokenizer/types';
import type { TokenChip, TokenCounts } from '../../webviews/tokenizer/protocol';
import { utf8Length } from './selectionText';

/** The most chips sent to the panel at once; the counts always cover every token. */
export const CHIP_LIMIT = 5000;

export function hexBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

export function toChips(spans: readonly TokenSpan[], limit = CHIP_LIMIT): TokenChip[] {
  return spans.slice(0, limit).map((s) => ({ id: s.id, text: s.text, hex: hexBytes(s.bytes), start: s.start, end: s.end, special: s.special }));
}

/** Characters are Unicode code points (an emoji is one, though it takes two UTF-16 units). */
export function countsOf(text: string, tokens: number): TokenCounts {
  let characters = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff || i === 0 || text.charCodeAt(i - 1) < 0xd800 || text.charCodeAt(i - 1) > 0xdbff) characters++;
  }
  return { tokens, characters, bytes: utf8Length(text) };
}
