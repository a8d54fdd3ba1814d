// Lays out a text made of tokens in lines of a fixed width, for the SVG text view: tokens are kept
// whole (a line breaks between tokens), a token wider than a whole line is put on its own line,
// and a newline inside a token is drawn as ↵ before the line breaks, so a token that is only a
// newline still has something to shade.

/** What a newline is drawn as. */
export const NEWLINE_MARK = '↵';

export interface TextPiece {
  readonly text: string;
  /** Index of the token this piece belongs to. */
  readonly token: number;
}

export interface PlacedPiece extends TextPiece {
  readonly x: number;
  readonly line: number;
  readonly width: number;
}

/** `measure` gives a string's width in the same unit as `width`. */
export function layoutTokens(tokens: readonly string[], width: number, measure: (text: string) => number): PlacedPiece[] {
  const placed: PlacedPiece[] = [];
  let x = 0;
  let line = 0;
  const place = (text: string, token: number) => {
    if (!text) return;
    const w = measure(text);
    // The newline mark may stick out past the edge: it ends the line anyway.
    const fitting = text.endsWith(NEWLINE_MARK) ? measure(text.slice(0, -NEWLINE_MARK.length)) : w;
    if (x > 0 && x + fitting > width) {
      line++;
      x = 0;
    }
    placed.push({ text, token, x, line, width: w });
    x += w;
  };
  tokens.forEach((text, token) => {
    const parts = text.split('\n');
    parts.forEach((part, i) => {
      if (i > 0) {
        line++;
        x = 0;
      }
      place(part + (i < parts.length - 1 ? NEWLINE_MARK : ''), token);
    });
  });
  return placed;
}
