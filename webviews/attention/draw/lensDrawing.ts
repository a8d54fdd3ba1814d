// The logit lens as a picture (the panel shows it as a table): one row per position, one column
// per residual stream, each cell the top predicted next token, shaded by its probability.
import { tokenLabel } from '../tokenLabel';
import { t } from '../strings';
import type { Painter } from './painter';
import { fitLabel, rampColour, type Palette } from './palette';

export interface LensContent {
  readonly streams: number;
  readonly tokens: number;
  readonly k: number;
  readonly ids: Int32Array;
  readonly probs: Float32Array;
  readonly texts: readonly string[];
  readonly labels: readonly string[];
  readonly title: string;
}

const CELL_CHARS = 10;
const TITLE_HEIGHT = 28;

export function lensSize(content: LensContent, palette: Palette): { width: number; height: number; cell: number; row: number } {
  const cell = Math.ceil(CELL_CHARS * palette.charWidth) + 10;
  const row = palette.fonts.size + 8;
  return { width: cell * (content.streams + 1), height: TITLE_HEIGHT + row * (content.tokens + 1), cell, row };
}

/** The top-1 cell of position `token` in stream `stream`. */
export function lensCell(content: LensContent, stream: number, token: number): { text: string; prob: number; id: number } {
  const at = (stream * content.tokens + token) * content.k;
  return { text: content.texts[at], prob: content.probs[at], id: content.ids[at] };
}

export function drawLens(p: Painter, content: LensContent, palette: Palette, ramp: Uint8ClampedArray): void {
  const { cell, row } = lensSize(content, palette);
  p.rect(0, 0, p.width, p.height, palette.background);
  p.text(0, 4, content.title, { color: palette.foreground, baseline: 'top', bold: true });
  const y0 = TITLE_HEIGHT;
  p.text(4, y0 + row / 2, t('lensInput'), { color: palette.muted, baseline: 'middle', bold: true });
  for (let l = 0; l < content.streams; l++) {
    const label = l === 0 ? t('streamEmbeddings') : t('streamAfterBlock', l);
    p.text(cell * (l + 1) + cell / 2, y0 + row / 2, label, { color: palette.muted, anchor: 'middle', baseline: 'middle', bold: true });
  }
  for (let i = 0; i < content.tokens; i++) {
    const y = y0 + row * (i + 1);
    p.text(4, y + row / 2, fitLabel(content.labels[i], CELL_CHARS), { color: palette.foreground, baseline: 'middle', mono: true });
    for (let l = 0; l < content.streams; l++) {
      const { text, prob } = lensCell(content, l, i);
      const x = cell * (l + 1);
      // Up to 70% of the accent, so the token stays readable on the strongest cells.
      p.rect(x + 1, y + 1, cell - 2, row - 2, rampColour(ramp, 0.7 * prob, 1));
      p.text(x + 5, y + row / 2, fitLabel(tokenLabel(text), CELL_CHARS), { color: palette.foreground, baseline: 'middle', mono: true });
    }
  }
}
