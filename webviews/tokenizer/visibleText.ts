// Tokens often start or end with whitespace, which a browser would swallow. The panel shows it:
// · for a space, → for a tab, ↵ for a newline, ␍ for a carriage return, and the Unicode
// "control picture" of any other control character, so every byte of a token stays visible.

const PICTURES: Record<string, string> = { ' ': '·', '\t': '→', '\n': '↵', '\r': '␍' };

export function visibleText(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (PICTURES[ch]) out += PICTURES[ch];
    else if (code < 0x20) out += String.fromCodePoint(0x2400 + code); // U+2400..U+241F: ␀ ␁ ...
    else if (code === 0x7f) out += '␡';
    else if (code === 0xa0) out += '⍽'; // no-break space
    else out += ch;
  }
  return out;
}

/** True when the token is only part of a UTF-8 character (its text decodes to U+FFFD). */
export function isPartialCharacter(text: string): boolean {
  return text.includes('\uFFFD');
}

/** How a token that is only part of a character is drawn: its bytes, e.g. ⟨c3⟩. */
export function partialLabel(hex: string): string {
  return `⟨${hex}⟩`;
}
