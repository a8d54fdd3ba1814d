// Token embeddings on the plane of their first two principal components: the vocabulary's first
// tokens as a grey backdrop, the text's tokens as labelled points on top.
import { t } from '../strings';
import type { Painter } from './painter';
import { fitLabel, type Palette } from './palette';

export interface ScatterPoints {
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly labels: readonly string[];
}

export interface ScatterContent {
  readonly tokens: ScatterPoints;
  /** Undefined when the backdrop is hidden. */
  readonly vocabulary?: ScatterPoints;
  /** Share of the variance along each axis. */
  readonly explained: readonly [number, number];
  readonly title: string;
  /** The chosen token (its index in `tokens`), or -1. */
  readonly query: number;
}

export interface ScatterLayout {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly top: number;
  readonly plotWidth: number;
  readonly plotHeight: number;
  readonly minX: number;
  readonly maxX: number;
  readonly minY: number;
  readonly maxY: number;
}

const MARGIN = { left: 40, right: 20, top: 36, bottom: 40 };

export function scatterLayout(content: ScatterContent, width: number, height: number): ScatterLayout {
  const xs = [...Array.from(content.tokens.x), ...Array.from(content.vocabulary?.x ?? [])];
  const ys = [...Array.from(content.tokens.y), ...Array.from(content.vocabulary?.y ?? [])];
  const span = (values: number[]) => {
    const lo = Math.min(...values, 0);
    const hi = Math.max(...values, 0);
    const pad = (hi - lo || 1) * 0.06;
    return [lo - pad, hi + pad];
  };
  const [minX, maxX] = span(xs);
  const [minY, maxY] = span(ys);
  return {
    width,
    height,
    left: MARGIN.left,
    top: MARGIN.top,
    plotWidth: width - MARGIN.left - MARGIN.right,
    plotHeight: height - MARGIN.top - MARGIN.bottom,
    minX,
    maxX,
    minY,
    maxY,
  };
}

/** Screen position of a data point (y grows upwards in the data, downwards on screen). */
export function toScreen(layout: ScatterLayout, x: number, y: number): [number, number] {
  return [
    layout.left + ((x - layout.minX) / (layout.maxX - layout.minX)) * layout.plotWidth,
    layout.top + (1 - (y - layout.minY) / (layout.maxY - layout.minY)) * layout.plotHeight,
  ];
}

export function drawScatter(p: Painter, layout: ScatterLayout, content: ScatterContent, palette: Palette): void {
  p.rect(0, 0, p.width, p.height, palette.background);
  p.text(0, 4, content.title, { color: palette.foreground, baseline: 'top', bold: true });
  const { left, top, plotWidth, plotHeight } = layout;
  p.strokeRect(left, top, plotWidth, plotHeight, palette.grid, 1);
  const [ox, oy] = toScreen(layout, 0, 0);
  p.line(left, oy, left + plotWidth, oy, palette.grid, 1, 0.6);
  p.line(ox, top, ox, top + plotHeight, palette.grid, 1, 0.6);
  const percent = (share: number) => (100 * share).toFixed(1);
  p.text(left + plotWidth / 2, top + plotHeight + 24, t('axisPc', 1, percent(content.explained[0])), { color: palette.muted, anchor: 'middle' });
  p.text(14, top + plotHeight / 2, t('axisPc', 2, percent(content.explained[1])), { color: palette.muted, anchor: 'middle', rotate: -90 });

  const vocabulary = content.vocabulary;
  if (vocabulary) {
    for (let i = 0; i < vocabulary.x.length; i++) {
      const [sx, sy] = toScreen(layout, vocabulary.x[i], vocabulary.y[i]);
      p.circle(sx, sy, 2, palette.muted, 0.45);
    }
  }
  const { tokens } = content;
  const screen = Array.from({ length: tokens.x.length }, (_, i) => toScreen(layout, tokens.x[i], tokens.y[i]));
  screen.forEach(([sx, sy], i) => i !== content.query && p.circle(sx, sy, 4, palette.accent));
  // Labels where they fit: the chosen token's first, then each other token's unless it would cover
  // a label already written (a token that occurs twice sits on one spot). Hovering names the rest.
  const placed: Box[] = [];
  const order = [content.query, ...screen.keys()].filter((i, at, all) => i >= 0 && i < screen.length && all.indexOf(i) === at);
  for (const i of order) {
    const chosen = i === content.query;
    const [sx, sy] = screen[i];
    const label = fitLabel(tokens.labels[i], 12);
    const box: Box = { x: sx + 6, y: sy - 8 - palette.fonts.size, w: [...label].length * palette.charWidth + 2, h: palette.fonts.size + 2 };
    if (!chosen && placed.some((other) => overlaps(box, other))) continue;
    placed.push(box);
    p.text(sx + 7, sy - 7, label, { color: chosen ? palette.highlight : palette.foreground, mono: true, bold: chosen });
  }
  if (content.query >= 0 && content.query < screen.length) p.circle(screen[content.query][0], screen[content.query][1], 6, palette.highlight);
}

interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** The point nearest to (x, y) within `radius` px: the text's tokens before the backdrop. */
export function scatterHit(
  layout: ScatterLayout,
  content: ScatterContent,
  x: number,
  y: number,
  radius = 8,
): { kind: 'token' | 'vocabulary'; index: number } | undefined {
  const nearest = (points: ScatterPoints | undefined) => {
    let best = -1;
    let bestDistance = radius * radius;
    for (let i = 0; points && i < points.x.length; i++) {
      const [sx, sy] = toScreen(layout, points.x[i], points.y[i]);
      const d = (sx - x) ** 2 + (sy - y) ** 2;
      if (d <= bestDistance) [best, bestDistance] = [i, d];
    }
    return best;
  };
  const token = nearest(content.tokens);
  if (token >= 0) return { kind: 'token', index: token };
  const word = nearest(content.vocabulary);
  return word >= 0 ? { kind: 'vocabulary', index: word } : undefined;
}
