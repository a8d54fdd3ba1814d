// The few drawing operations every view of the attention panel needs, behind one interface, so
// each view is drawn by one function: on a canvas for the screen, or into SVG markup for export.
// This file has no DOM code: the SVG painter runs in Node too (the unit tests use it).

export interface TextStyle {
  readonly color: string;
  /** Font size in px; the palette's when left out. */
  readonly size?: number;
  readonly anchor?: 'start' | 'middle' | 'end';
  readonly baseline?: 'top' | 'middle' | 'alphabetic';
  readonly bold?: boolean;
  /** The editor's monospace font instead of the UI font. */
  readonly mono?: boolean;
  /** Degrees, clockwise, around (x, y). */
  readonly rotate?: number;
}

export interface Painter {
  readonly width: number;
  readonly height: number;
  rect(x: number, y: number, w: number, h: number, fill: string, opacity?: number): void;
  strokeRect(x: number, y: number, w: number, h: number, stroke: string, lineWidth: number): void;
  line(x1: number, y1: number, x2: number, y2: number, stroke: string, lineWidth: number, opacity?: number): void;
  /** Points as x0, y0, x1, y1, … */
  polyline(points: readonly number[], stroke: string, lineWidth: number, opacity?: number): void;
  circle(cx: number, cy: number, r: number, fill: string, opacity?: number): void;
  text(x: number, y: number, text: string, style: TextStyle): void;
  /**
   * A rows × cols grid of cells filling the box (x, y, w, h), cell (i, j) coloured by
   * rgba[4·(i·cols + j) …]; fully transparent cells are left out.
   */
  cells(x: number, y: number, w: number, h: number, rows: number, cols: number, rgba: Uint8ClampedArray): void;
}

export interface Fonts {
  readonly ui: string;
  readonly mono: string;
  /** Default size in px. */
  readonly size: number;
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeXml(text: string): string {
  // Characters XML 1.0 forbids (most C0 controls) cannot appear even escaped: drop them.
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (c) => escapes[c]);
}

/** Numbers in SVG: two decimals are plenty on screen and keep files small. */
const n = (value: number): string => String(Math.round(value * 100) / 100);

/** Collects SVG elements; `markup()` gives the standalone document. */
export class SvgPainter implements Painter {
  private readonly parts: string[] = [];

  constructor(
    readonly width: number,
    readonly height: number,
    private readonly fonts: Fonts,
    private readonly title = '',
  ) {}

  rect(x: number, y: number, w: number, h: number, fill: string, opacity = 1): void {
    this.parts.push(`<rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}" fill="${fill}"${opacityAttr('fill-opacity', opacity)}/>`);
  }

  strokeRect(x: number, y: number, w: number, h: number, stroke: string, lineWidth: number): void {
    this.parts.push(`<rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}" fill="none" stroke="${stroke}" stroke-width="${n(lineWidth)}"/>`);
  }

  line(x1: number, y1: number, x2: number, y2: number, stroke: string, lineWidth: number, opacity = 1): void {
    this.parts.push(
      `<line x1="${n(x1)}" y1="${n(y1)}" x2="${n(x2)}" y2="${n(y2)}" stroke="${stroke}" stroke-width="${n(lineWidth)}"${opacityAttr('stroke-opacity', opacity)}/>`,
    );
  }

  polyline(points: readonly number[], stroke: string, lineWidth: number, opacity = 1): void {
    const list = points.map(n).join(' ');
    this.parts.push(
      `<polyline points="${list}" fill="none" stroke="${stroke}" stroke-width="${n(lineWidth)}" stroke-linejoin="round"${opacityAttr('stroke-opacity', opacity)}/>`,
    );
  }

  circle(cx: number, cy: number, r: number, fill: string, opacity = 1): void {
    this.parts.push(`<circle cx="${n(cx)}" cy="${n(cy)}" r="${n(r)}" fill="${fill}"${opacityAttr('fill-opacity', opacity)}/>`);
  }

  text(x: number, y: number, text: string, style: TextStyle): void {
    const anchor = style.anchor && style.anchor !== 'start' ? ` text-anchor="${style.anchor}"` : '';
    const baseline = { top: 'hanging', middle: 'central', alphabetic: '' }[style.baseline ?? 'alphabetic'];
    const rotate = style.rotate ? ` transform="rotate(${n(style.rotate)} ${n(x)} ${n(y)})"` : '';
    const family = escapeXml(style.mono ? this.fonts.mono : this.fonts.ui);
    this.parts.push(
      `<text x="${n(x)}" y="${n(y)}" fill="${style.color}" font-family="${family}" font-size="${n(style.size ?? this.fonts.size)}"` +
        `${style.bold ? ' font-weight="bold"' : ''}${anchor}${baseline ? ` dominant-baseline="${baseline}"` : ''}${rotate} xml:space="preserve">${escapeXml(text)}</text>`,
    );
  }

  cells(x: number, y: number, w: number, h: number, rows: number, cols: number, rgba: Uint8ClampedArray): void {
    const cw = w / cols;
    const ch = h / rows;
    for (let i = 0; i < rows; i++) {
      // Runs of equal colour along a row become one rectangle.
      let j = 0;
      while (j < cols) {
        const at = 4 * (i * cols + j);
        let end = j + 1;
        while (end < cols && sameColour(rgba, at, 4 * (i * cols + end))) end++;
        if (rgba[at + 3] > 0) {
          const fill = `rgb(${rgba[at]},${rgba[at + 1]},${rgba[at + 2]})`;
          this.rect(x + j * cw, y + i * ch, (end - j) * cw, ch, fill, rgba[at + 3] / 255);
        }
        j = end;
      }
    }
  }

  markup(): string {
    const title = this.title ? `<title>${escapeXml(this.title)}</title>` : '';
    return (
      `<svg xmlns="http://www.w3.org/2000/svg" width="${n(this.width)}" height="${n(this.height)}" viewBox="0 0 ${n(this.width)} ${n(this.height)}">` +
      `${title}${this.parts.join('')}</svg>\n`
    );
  }
}

function opacityAttr(name: string, opacity: number): string {
  return opacity < 1 ? ` ${name}="${n(opacity)}"` : '';
}

function sameColour(rgba: Uint8ClampedArray, a: number, b: number): boolean {
  return rgba[a] === rgba[b] && rgba[a + 1] === rgba[b + 1] && rgba[a + 2] === rgba[b + 2] && rgba[a + 3] === rgba[b + 3];
}
