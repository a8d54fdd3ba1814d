// A view as an image file's contents: SVG markup, or a PNG (drawn at twice the pixel density on
// an offscreen canvas) as base64, which is how the bytes travel to the host.
import { CanvasPainter } from '../draw/canvasPainter';
import { SvgPainter } from '../draw/painter';
import type { Palette } from '../draw/palette';
import type { ImageFormat } from '../../shared/protocol';
import type { Exportable } from './exportable';

const PNG_SCALE = 2;

export async function renderImage(view: Exportable, format: ImageFormat, palette: Palette): Promise<string> {
  const { width, height } = view.exportSize();
  if (format === 'svg') {
    const svg = new SvgPainter(width, height, palette.fonts);
    view.paint(svg);
    return svg.markup();
  }
  const canvas = new OffscreenCanvas(1, 1);
  view.paint(new CanvasPainter(canvas, width, height, palette.fonts, PNG_SCALE));
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  return toBase64(new Uint8Array(await blob.arrayBuffer()));
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}
