// How a single token is written on a bar or in the beam tree. A token is a run of bytes, which
// need not be whole UTF-8 characters: those are written as hex (<e2 80>), whitespace as visible
// marks (· for a space, ↵ for a newline, → for a tab), so no candidate looks empty.

const WHITESPACE: Record<string, string> = { ' ': '·', '\t': '→', '\n': '↵', '\r': '␍' };
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Control characters other than the whitespace above, drawn as their Unicode control pictures. */
function visibleCharacter(ch: string): string {
  if (WHITESPACE[ch]) return WHITESPACE[ch];
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x20) return String.fromCodePoint(0x2400 + code);
  if (code === 0x7f) return '␡';
  return ch;
}

/** The token's bytes as readable text; `special` tokens (e.g. <|endoftext|>) keep their name. */
export function tokenLabel(bytes: Uint8Array, special?: string): string {
  if (special !== undefined) return special;
  if (bytes.length === 0) return '∅';
  try {
    return [...strictUtf8.decode(bytes)].map(visibleCharacter).join('');
  } catch {
    return `<${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ')}>`;
  }
}
