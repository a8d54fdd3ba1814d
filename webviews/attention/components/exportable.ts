// A view that can be saved as an image: it says how big the picture is and paints it on any
// Painter (a canvas for PNG, SVG markup for SVG), with the same drawing code as on screen.
import type { Painter } from '../draw/painter';

export interface Exportable {
  exportSize(): { width: number; height: number };
  paint(painter: Painter): void;
}

/** Dispatched by the views when the chosen query token changes (index, or -1 for none). */
export type QueryChangeEvent = CustomEvent<{ index: number }>;

export function queryChange(index: number): QueryChangeEvent {
  return new CustomEvent('query-change', { detail: { index }, bubbles: true, composed: true });
}
