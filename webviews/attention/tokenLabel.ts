// Tokens as labels: whitespace made visible (GPT-2 tokens often start with a space), so " the"
// and "the" look different and a newline token is not an empty label.

const VISIBLE: Record<string, string> = { ' ': '·', '\n': '↵', '\t': '→', '\r': '␍' };

export function tokenLabel(text: string): string {
  const shown = text.replace(/[ \n\t\r]/g, (c) => VISIBLE[c]);
  return shown.length ? shown : '∅';
}
