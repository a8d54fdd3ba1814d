// Attention as lines: the tokens twice, queries on the left and keys on the right, and a line
// from q to k whose width and strength follow how much q attends to k. With a query chosen,
// its lines stand out and the others fade.
import { t } from '../strings';
import type { Painter } from './painter';
import { fitLabel, type Palette } from './palette';

export interface LinesLayout {
  readonly tokens: number;
  readonly row: number;
  /** Right edge of the query labels and left edge of the key labels. */
  readonly leftX: number;
  readonly rightX: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  readonly labelChars: number;
}

/** Weights below this are not drawn: the many tiny ones would only grey the picture. */
export const MIN_LINE_WEIGHT = 0.01;
const TITLE_HEIGHT = 44;

export function linesLayout(tokens: number, palette: Palette): LinesLayout {
  const labelChars = 14;
  const column = Math.ceil(labelChars * palette.charWidth) + 12;
  const row = Math.max(16, palette.fonts.size + 6);
  const gap = 220;
  return {
    tokens,
    row,
    leftX: column,
    rightX: column + gap,
    top: TITLE_HEIGHT,
    width: 2 * column + gap,
    height: TITLE_HEIGHT + tokens * row + 8,
    labelChars,
  };
}

export interface LinesContent {
  readonly matrix: Float32Array;
  readonly labels: readonly string[];
  readonly title: string;
  readonly query: number;
}

export function drawLines(p: Painter, layout: LinesLayout, content: LinesContent, palette: Palette): void {
  const { tokens: T, row, leftX, rightX, top, labelChars } = layout;
  const { matrix, query } = content;
  const y = (i: number) => top + (i + 0.5) * row;
  p.rect(0, 0, p.width, p.height, palette.background);
  p.text(0, 4, content.title, { color: palette.foreground, baseline: 'top', bold: true });
  p.text(leftX - 6, top - 6, t('queries'), { color: palette.muted, anchor: 'end' });
  p.text(rightX + 6, top - 6, t('keys'), { color: palette.muted });

  // Faint lines first, so the chosen query's lines are drawn over them.
  for (const pass of [false, true]) {
    for (let q = 0; q < T; q++) {
      if ((q === query) !== pass) continue;
      for (let k = 0; k <= q; k++) {
        const w = matrix[q * T + k];
        if (w < MIN_LINE_WEIGHT) continue;
        const opacity = query < 0 ? Math.min(0.9, 0.1 + w) : q === query ? Math.min(1, 0.35 + w) : 0.06;
        p.line(leftX + 4, y(q), rightX - 4, y(k), q === query ? palette.highlight : palette.accent, 0.5 + 5 * w, opacity);
      }
    }
  }
  for (let i = 0; i < T; i++) {
    const label = fitLabel(content.labels[i], labelChars);
    const chosen = i === query;
    const attended = query >= 0 && i <= query ? matrix[query * T + i] : 0;
    if (attended >= MIN_LINE_WEIGHT) p.rect(rightX + 2, y(i) - row / 2 + 1, layout.width - rightX - 2, row - 2, palette.highlight, Math.min(0.6, attended));
    p.text(leftX - 6, y(i), label, { color: chosen ? palette.highlight : palette.foreground, anchor: 'end', baseline: 'middle', mono: true, bold: chosen });
    p.text(rightX + 6, y(i), label, { color: palette.foreground, baseline: 'middle', mono: true });
  }
}

/** The token under (x, y) in either column, or undefined. */
export function linesHit(layout: LinesLayout, x: number, y: number): { side: 'query' | 'key'; index: number } | undefined {
  const index = Math.floor((y - layout.top) / layout.row);
  if (index < 0 || index >= layout.tokens) return undefined;
  if (x <= layout.leftX) return { side: 'query', index };
  if (x >= layout.rightX) return { side: 'key', index };
  return undefined;
}
