// The Painter on a <canvas>: sized in CSS pixels and drawn at the screen's pixel density, so text
// and thin lines stay sharp. Cell grids go through one small bitmap scaled up without smoothing.
import type { Fonts, Painter, TextStyle } from './painter';

export class CanvasPainter implements Painter {
  private readonly ctx: CanvasRenderingContext2D;

  /** Resizes `canvas` to width × height CSS pixels at `scale` device pixels each. */
  constructor(
    canvas: HTMLCanvasElement | OffscreenCanvas,
    readonly width: number,
    readonly height: number,
    private readonly fonts: Fonts,
    scale = globalThis.devicePixelRatio || 1,
  ) {
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    if ('style' in canvas) {
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
    }
    const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | null;
    if (!ctx) throw new Error('this webview cannot draw on a canvas');
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    this.ctx = ctx;
  }

  rect(x: number, y: number, w: number, h: number, fill: string, opacity = 1): void {
    this.ctx.globalAlpha = opacity;
    this.ctx.fillStyle = fill;
    this.ctx.fillRect(x, y, w, h);
    this.ctx.globalAlpha = 1;
  }

  strokeRect(x: number, y: number, w: number, h: number, stroke: string, lineWidth: number): void {
    this.ctx.strokeStyle = stroke;
    this.ctx.lineWidth = lineWidth;
    this.ctx.strokeRect(x, y, w, h);
  }

  line(x1: number, y1: number, x2: number, y2: number, stroke: string, lineWidth: number, opacity = 1): void {
    this.polyline([x1, y1, x2, y2], stroke, lineWidth, opacity);
  }

  polyline(points: readonly number[], stroke: string, lineWidth: number, opacity = 1): void {
    const { ctx } = this;
    ctx.globalAlpha = opacity;
    ctx.strokeStyle = stroke;
    ctx.lineWidth = lineWidth;
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(points[0], points[1]);
    for (let i = 2; i + 1 < points.length; i += 2) ctx.lineTo(points[i], points[i + 1]);
    ctx.stroke();
    ctx.globalAlpha = 1;
  }

  circle(cx: number, cy: number, r: number, fill: string, opacity = 1): void {
    const { ctx } = this;
    ctx.globalAlpha = opacity;
    ctx.fillStyle = fill;
    ctx.beginPath();
    ctx.arc(cx, cy, r, 0, 2 * Math.PI);
    ctx.fill();
    ctx.globalAlpha = 1;
  }

  text(x: number, y: number, text: string, style: TextStyle): void {
    const { ctx } = this;
    ctx.save();
    ctx.font = `${style.bold ? 'bold ' : ''}${style.size ?? this.fonts.size}px ${style.mono ? this.fonts.mono : this.fonts.ui}`;
    ctx.fillStyle = style.color;
    ctx.textAlign = (style.anchor === 'middle' ? 'center' : style.anchor ?? 'start') as CanvasTextAlign;
    ctx.textBaseline = style.baseline ?? 'alphabetic';
    ctx.translate(x, y);
    if (style.rotate) ctx.rotate((style.rotate * Math.PI) / 180);
    ctx.fillText(text, 0, 0);
    ctx.restore();
  }

  cells(x: number, y: number, w: number, h: number, rows: number, cols: number, rgba: Uint8ClampedArray): void {
    const bitmap = new OffscreenCanvas(cols, rows);
    const context = bitmap.getContext('2d');
    if (!context) return;
    context.putImageData(new ImageData(new Uint8ClampedArray(rgba), cols, rows), 0, 0);
    this.ctx.imageSmoothingEnabled = false;
    this.ctx.drawImage(bitmap, x, y, w, h);
  }
}
