// One head's attention as a T × T heatmap: row q is query token q, column k key token k, the
// colour how much q attends to k (scaled to the head's largest weight, shown in the legend).
// The masked upper triangle (a token never sees later ones) stays blank.
import { t } from '../strings';
import type { Painter } from './painter';
import { ATTENTION_GAMMA, colourCells, colourPosition, fitLabel, type Palette } from './palette';

export interface HeatmapLayout {
  readonly tokens: number;
  readonly cell: number;
  /** Top-left corner of the matrix. */
  readonly x0: number;
  readonly y0: number;
  readonly width: number;
  readonly height: number;
  /** Only every n-th label is written when cells are smaller than the text. */
  readonly labelEvery: number;
  readonly labelChars: number;
}

const LEGEND_WIDTH = 70;
const TITLE_HEIGHT = 24;

export function heatmapLayout(labels: readonly string[], available: number, palette: Palette): HeatmapLayout {
  const tokens = labels.length;
  const labelChars = Math.min(10, Math.max(1, ...labels.map((l) => [...l].length)));
  const labelSpace = Math.ceil(labelChars * palette.charWidth) + 10;
  const cell = Math.max(3, Math.min(28, Math.floor((available - labelSpace - LEGEND_WIDTH) / tokens)));
  const x0 = labelSpace;
  const y0 = TITLE_HEIGHT + labelSpace;
  return {
    tokens,
    cell,
    x0,
    y0,
    width: x0 + cell * tokens + LEGEND_WIDTH,
    height: y0 + cell * tokens + 8,
    labelEvery: Math.max(1, Math.ceil((labelSize(cell, palette) + 1) / cell)),
    labelChars,
  };
}

export interface HeatmapContent {
  readonly matrix: Float32Array;
  readonly labels: readonly string[];
  readonly title: string;
  /** The chosen query row, or -1. */
  readonly query: number;
  /** The keyboard cursor, drawn as a box. */
  readonly cursor?: { readonly q: number; readonly k: number };
}

export function drawHeatmap(p: Painter, layout: HeatmapLayout, content: HeatmapContent, palette: Palette, ramp: Uint8ClampedArray): void {
  const { tokens: T, cell, x0, y0, labelEvery, labelChars } = layout;
  const { matrix, labels } = content;
  let max = 0;
  for (let i = 0; i < matrix.length; i++) max = Math.max(max, matrix[i]);
  p.rect(0, 0, p.width, p.height, palette.background);
  p.text(0, 4, content.title, { color: palette.foreground, baseline: 'top', bold: true });
  p.rect(x0, y0, cell * T, cell * T, palette.grid, 0.25);
  p.cells(x0, y0, cell * T, cell * T, T, T, colourCells(matrix, max, ramp, true));

  const size = labelSize(cell, palette);
  for (let i = 0; i < T; i += labelEvery) {
    const label = fitLabel(labels[i], labelChars);
    const colour = i === content.query ? palette.highlight : palette.muted;
    p.text(x0 - 5, y0 + (i + 0.5) * cell, label, { color: colour, size, anchor: 'end', baseline: 'middle', mono: true, bold: i === content.query });
    p.text(x0 + (i + 0.5) * cell, y0 - 5, label, { color: palette.muted, size, baseline: 'middle', mono: true, rotate: -90 });
  }
  if (content.query >= 0 && content.query < T) p.strokeRect(x0 - 1, y0 + content.query * cell, cell * T + 2, cell, palette.highlight, 2);
  if (content.cursor) p.strokeRect(x0 + content.cursor.k * cell, y0 + content.cursor.q * cell, cell, cell, palette.focus, 2);

  drawLegend(p, x0 + cell * T + 16, y0, Math.min(cell * T, 200), max, palette, ramp);
}

/** Labels shrink with the cells, down to 8 px. */
function labelSize(cell: number, palette: Palette): number {
  return Math.min(palette.fonts.size, Math.max(8, cell - 1));
}

/** A vertical colour bar from 0 (bottom) to `max` (top), ticks where the colour scale puts them. */
export function drawLegend(p: Painter, x: number, y: number, h: number, max: number, palette: Palette, ramp: Uint8ClampedArray): void {
  const steps = 64;
  // Bar row i shows the colour at scale position 1 − i/(steps − 1), i.e. the value max·position^(1/γ).
  const values = Float32Array.from({ length: steps }, (_, i) => max * (1 - i / (steps - 1)) ** (1 / ATTENTION_GAMMA));
  p.cells(x, y, 12, h, steps, 1, colourCells(values, max, ramp));
  p.strokeRect(x, y, 12, h, palette.grid, 1);
  const small = Math.max(9, palette.fonts.size - 2);
  for (const value of [max, max / 4, max / 16, 0]) {
    const ty = y + h * (1 - colourPosition(value, max));
    p.line(x + 12, ty, x + 15, ty, palette.muted, 1);
    p.text(x + 18, ty, value === 0 ? '0' : value.toFixed(value >= 0.1 ? 2 : 3), { color: palette.muted, size: small, baseline: 'middle' });
  }
  p.text(x + 6, y + h + 14, t('legendWeight'), { color: palette.muted, size: small, anchor: 'middle', baseline: 'top' });
}

/** The cell under (x, y), or undefined outside the matrix. */
export function heatmapHit(layout: HeatmapLayout, x: number, y: number): { q: number; k: number } | undefined {
  const k = Math.floor((x - layout.x0) / layout.cell);
  const q = Math.floor((y - layout.y0) / layout.cell);
  return q >= 0 && k >= 0 && q < layout.tokens && k < layout.tokens ? { q, k } : undefined;
}
