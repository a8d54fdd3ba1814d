// Turns a drawn <svg> into a file's contents, for the panels' "Save as SVG / PNG". The drawing is
// styled by the theme's CSS variables, which mean nothing outside the webview, so the export
// copies each element's computed colours and fonts into attributes and lays the editor background
// under everything. PNG goes through a canvas at twice the size, for sharp text.

import type { ImageFormat } from './protocol';

const STYLE_PROPERTIES = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-opacity',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-anchor',
  'dominant-baseline',
  'text-decoration',
] as const;

/** A standalone copy of `svg`: computed styles inlined, a background, explicit size. */
export function standaloneSvg(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const source = [svg, ...svg.querySelectorAll('*')];
  const target = [copy, ...copy.querySelectorAll('*')];
  source.forEach((element, i) => {
    const computed = getComputedStyle(element);
    const style = STYLE_PROPERTIES.map((p) => `${p}:${computed.getPropertyValue(p)}`).join(';');
    target[i].setAttribute('style', style);
    target[i].removeAttribute('class');
    target[i].removeAttribute('tabindex');
  });
  const box = svg.viewBox.baseVal;
  const width = box && box.width ? box.width : svg.clientWidth;
  const height = box && box.height ? box.height : svg.clientHeight;
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  const background = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  background.setAttribute('x', String(box?.x ?? 0));
  background.setAttribute('y', String(box?.y ?? 0));
  background.setAttribute('width', String(width));
  background.setAttribute('height', String(height));
  background.setAttribute('fill', backgroundColour());
  copy.insertBefore(background, copy.firstChild);
  return new XMLSerializer().serializeToString(copy);
}

/** The editor's background (the page itself is transparent in a webview), white without a theme. */
function backgroundColour(): string {
  const themed = getComputedStyle(document.documentElement).getPropertyValue('--vscode-editor-background').trim();
  return themed || '#ffffff';
}

/** The SVG text rendered into a PNG at `scale`× its size, as base64 (how the bytes travel to the host). */
export async function svgToPng(svgText: string, width: number, height: number, scale = 2): Promise<string> {
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(width * scale);
    canvas.height = Math.ceil(height * scale);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('this webview cannot draw on a canvas');
    context.scale(scale, scale);
    context.drawImage(image, 0, 0, width, height);
    const dataUrl = canvas.toDataURL('image/png');
    return dataUrl.slice(dataUrl.indexOf(',') + 1);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** What the host is sent for an export of `svg` as `format`. */
export async function exportData(svg: SVGSVGElement, format: ImageFormat): Promise<string> {
  const text = standaloneSvg(svg);
  if (format === 'svg') return text;
  const box = svg.viewBox.baseVal;
  return svgToPng(text, box && box.width ? box.width : svg.clientWidth, box && box.height ? box.height : svg.clientHeight);
}
