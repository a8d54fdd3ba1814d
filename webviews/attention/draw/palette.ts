// The colours and fonts the drawings use, as concrete values: the panel reads them from VS Code's
// theme variables when it draws, so an exported image keeps the look it had on screen.
// Attention and probability are shown as a mix from the background towards one accent colour.
import type { Fonts } from './painter';

export type Rgb = readonly [number, number, number];

export interface Palette {
  readonly background: string;
  readonly foreground: string;
  readonly muted: string;
  readonly accent: string;
  /** A second series colour (the chosen token, where the accent shows the rest). */
  readonly highlight: string;
  readonly grid: string;
  readonly focus: string;
  readonly fonts: Fonts;
  /** Average width of a monospace character at fonts.size, for laying out labels. */
  readonly charWidth: number;
}

/** "#rgb", "#rrggbb", "#rrggbbaa", "rgb(…)" or "rgba(…)" as [r, g, b]; undefined for anything else. */
export function parseColour(text: string): Rgb | undefined {
  const value = text.trim();
  const hex = /^#([0-9a-f]{3,8})$/i.exec(value)?.[1];
  if (hex && hex.length === 3) return [0, 1, 2].map((i) => parseInt(hex[i] + hex[i], 16)) as unknown as Rgb;
  if (hex && (hex.length === 6 || hex.length === 8)) return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as unknown as Rgb;
  const fn = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(value);
  if (fn) return [Number(fn[1]), Number(fn[2]), Number(fn[3])].map((c) => Math.round(Math.min(255, c))) as unknown as Rgb;
  return undefined;
}

/** 256 RGBA steps from the background (0) to the accent (255), for colouring many cells fast. */
export function colourRamp(background: string, accent: string): Uint8ClampedArray {
  const from = parseColour(background) ?? [0, 0, 0];
  const to = parseColour(accent) ?? [255, 255, 255];
  const ramp = new Uint8ClampedArray(256 * 4);
  for (let i = 0; i < 256; i++) {
    const t = i / 255;
    for (let c = 0; c < 3; c++) ramp[i * 4 + c] = Math.round(from[c] + (to[c] - from[c]) * t);
    ramp[i * 4 + 3] = 255;
  }
  return ramp;
}

/**
 * Attention colours follow √(value / max), not value / max: most weights of a row are small (they
 * share 1 between many tokens), and a linear scale would leave all but the largest near blank.
 * The legend uses the same mapping, so it stays honest.
 */
export const ATTENTION_GAMMA = 0.5;

/** Where `value` falls on the colour scale, 0 to 1. */
export function colourPosition(value: number, max: number, gamma = ATTENTION_GAMMA): number {
  return max > 0 ? Math.min(1, Math.max(0, value / max)) ** gamma : 0;
}

/** RGBA of each value of `values` on the scale up to `max`, through the ramp; NaN or negative cells stay transparent. */
export function colourCells(values: ArrayLike<number>, max: number, ramp: Uint8ClampedArray, blankZeros = false): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= 0) || (blankZeros && v === 0)) continue;
    const step = Math.round(colourPosition(v, max) * 255) * 4;
    rgba[i * 4] = ramp[step];
    rgba[i * 4 + 1] = ramp[step + 1];
    rgba[i * 4 + 2] = ramp[step + 2];
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}

/** The ramp's colour for value/max as a CSS colour. */
export function rampColour(ramp: Uint8ClampedArray, value: number, max: number): string {
  const step = Math.max(0, Math.min(255, Math.round((max > 0 ? value / max : 0) * 255))) * 4;
  return `rgb(${ramp[step]},${ramp[step + 1]},${ramp[step + 2]})`;
}

/** A label cut to `chars` characters with an ellipsis. */
export function fitLabel(text: string, chars: number): string {
  const units = [...text];
  return units.length <= chars ? text : `${units.slice(0, Math.max(1, chars - 1)).join('')}…`;
}
