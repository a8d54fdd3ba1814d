// Every head of every layer as a thumbnail in a layer × head grid, plus each layer's mean over
// heads, in one picture: the export of the grid the panel shows as buttons.
import { t } from '../strings';
import type { Painter } from './painter';
import { colourCells, type Palette } from './palette';

export interface GridContent {
  /** Per layer, one [side, side] thumbnail per head, then the mean. */
  readonly layers: readonly (readonly Float32Array[])[];
  readonly side: number;
  /** Tokens inspected (more than `side` when the thumbnails are shrunk). */
  readonly tokens: number;
  readonly selected: { readonly layer: number; readonly head: number };
  readonly title: string;
}

const THUMB = 72;
const GAP = 8;
const LABEL_WIDTH = 70;
const TITLE_HEIGHT = 24;
const HEADER_HEIGHT = 20;

export function gridSize(content: GridContent): { width: number; height: number } {
  const columns = Math.max(0, ...content.layers.map((l) => l.length));
  return {
    width: LABEL_WIDTH + columns * (THUMB + GAP),
    height: TITLE_HEIGHT + HEADER_HEIGHT + content.layers.length * (THUMB + GAP),
  };
}

export function drawGrid(p: Painter, content: GridContent, palette: Palette, ramp: Uint8ClampedArray): void {
  p.rect(0, 0, p.width, p.height, palette.background);
  p.text(0, 4, content.title, { color: palette.foreground, baseline: 'top', bold: true });
  const columns = Math.max(0, ...content.layers.map((l) => l.length));
  for (let h = 0; h < columns; h++) {
    const label = h === columns - 1 ? t('meanShort') : t('headShort', h + 1);
    p.text(LABEL_WIDTH + h * (THUMB + GAP) + THUMB / 2, TITLE_HEIGHT + HEADER_HEIGHT / 2, label, {
      color: palette.muted,
      anchor: 'middle',
      baseline: 'middle',
    });
  }
  content.layers.forEach((thumbs, l) => {
    const y = TITLE_HEIGHT + HEADER_HEIGHT + l * (THUMB + GAP);
    p.text(0, y + THUMB / 2, t('layerShort', l + 1), { color: palette.muted, baseline: 'middle' });
    thumbs.forEach((thumb, h) => {
      const x = LABEL_WIDTH + h * (THUMB + GAP);
      let max = 0;
      for (let i = 0; i < thumb.length; i++) max = Math.max(max, thumb[i]);
      p.rect(x, y, THUMB, THUMB, palette.grid, 0.25);
      p.cells(x, y, THUMB, THUMB, content.side, content.side, colourCells(thumb, max, ramp, true));
      const isMean = h === thumbs.length - 1;
      const chosen = content.selected.layer === l && (isMean ? content.selected.head < 0 : content.selected.head === h);
      p.strokeRect(x, y, THUMB, THUMB, chosen ? palette.highlight : palette.grid, chosen ? 3 : 1);
    });
  });
}
