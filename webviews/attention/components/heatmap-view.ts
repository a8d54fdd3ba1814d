// One head large: the T × T heatmap with token labels. The pointer (or the keyboard cursor:
// arrow keys) reads out one cell; a click (or Enter) chooses the row's token as the query,
// Escape lets it go. It reports each drawing, so the host can time command-to-heatmap.
import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { baseStyles } from '../../shared/theme.css';
import { CanvasPainter } from '../draw/canvasPainter';
import { drawHeatmap, heatmapHit, heatmapLayout, type HeatmapLayout } from '../draw/heatmapDrawing';
import type { Painter } from '../draw/painter';
import type { Palette } from '../draw/palette';
import { t } from '../strings';
import { queryChange, type Exportable } from './exportable';

/** The heatmap never draws narrower than this, even in a narrow or hidden panel. */
const MIN_WIDTH = 360;
const DRAWN_FROM = ['matrix', 'labels', 'heading', 'query', 'available', 'palette', 'ramp', 'cursor'];

@customElement('heatmap-view')
export class HeatmapView extends LitElement implements Exportable {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      canvas {
        display: block;
        cursor: crosshair;
      }
      .readout {
        min-height: 1.4em;
        margin: 4px 0;
      }
    `,
  ];

  @property({ attribute: false }) matrix: Float32Array | undefined;
  @property({ attribute: false }) labels: readonly string[] = [];
  @property() heading = '';
  @property({ type: Number }) query = -1;
  @property({ type: Number }) available = 640;
  @property({ attribute: false }) palette: Palette | undefined;
  @property({ attribute: false }) ramp: Uint8ClampedArray | undefined;
  @state() private cursor: { q: number; k: number } | undefined;
  @state() private readout = '';
  @query('canvas') private canvas!: HTMLCanvasElement;
  private layout: HeatmapLayout | undefined;

  override render() {
    const T = this.labels.length;
    return html`
      <canvas
        tabindex="0"
        role="img"
        aria-label=${t('heatmapLabel', this.heading, T)}
        @mousemove=${this.onPointer}
        @mouseleave=${() => (this.readout = '')}
        @click=${this.onClick}
        @keydown=${this.onKeyDown}
        @focus=${() => this.cursor === undefined && T > 0 && this.moveCursor({ q: Math.max(0, this.query), k: 0 })}
      ></canvas>
      <div class="readout mono" aria-live="polite">${this.readout}</div>
    `;
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('labels')) this.cursor = undefined;
  }

  override updated(changed: Map<string, unknown>): void {
    // The readout changes on every pointer move; the picture only with these.
    if (!DRAWN_FROM.some((key) => changed.has(key))) return;
    const { matrix, palette, ramp } = this;
    if (!matrix || !palette || !ramp || this.labels.length === 0) return;
    this.layout = heatmapLayout(this.labels, Math.max(MIN_WIDTH, this.available), palette);
    const painter = new CanvasPainter(this.canvas, this.layout.width, this.layout.height, palette.fonts);
    this.paintWith(painter, this.layout, this.cursor);
    this.dispatchEvent(new CustomEvent('heatmap-drawn', { detail: { matrix }, bubbles: true, composed: true }));
  }

  exportSize(): { width: number; height: number } {
    const layout = this.exportLayout();
    return { width: layout.width, height: layout.height };
  }

  paint(painter: Painter): void {
    this.paintWith(painter, this.exportLayout(), undefined);
  }

  private exportLayout(): HeatmapLayout {
    return this.layout ?? heatmapLayout(this.labels, MIN_WIDTH, this.palette as Palette);
  }

  private paintWith(painter: Painter, layout: HeatmapLayout, cursor: { q: number; k: number } | undefined): void {
    if (!this.matrix || !this.palette || !this.ramp) return;
    drawHeatmap(painter, layout, { matrix: this.matrix, labels: this.labels, title: this.heading, query: this.query, cursor }, this.palette, this.ramp);
  }

  private cellAt(event: MouseEvent): { q: number; k: number } | undefined {
    if (!this.layout) return undefined;
    const box = this.canvas.getBoundingClientRect();
    return heatmapHit(this.layout, event.clientX - box.left, event.clientY - box.top);
  }

  private onPointer(event: MouseEvent): void {
    const cell = this.cellAt(event);
    this.readout = cell ? this.describe(cell) : '';
  }

  private onClick(event: MouseEvent): void {
    const cell = this.cellAt(event);
    if (cell) this.dispatchEvent(queryChange(cell.q));
  }

  private onKeyDown(event: KeyboardEvent): void {
    const T = this.labels.length;
    if (T === 0) return;
    const { q, k } = this.cursor ?? { q: Math.max(0, this.query), k: 0 };
    const moves: Record<string, { q: number; k: number }> = {
      ArrowUp: { q: q - 1, k },
      ArrowDown: { q: q + 1, k },
      ArrowLeft: { q, k: k - 1 },
      ArrowRight: { q, k: k + 1 },
      Home: { q, k: 0 },
      End: { q, k: q },
    };
    if (event.key in moves) {
      event.preventDefault();
      const next = moves[event.key];
      this.moveCursor({ q: clamp(next.q, T), k: clamp(next.k, T) });
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.dispatchEvent(queryChange(q));
    } else if (event.key === 'Escape') {
      this.dispatchEvent(queryChange(-1));
    }
  }

  private moveCursor(cell: { q: number; k: number }): void {
    this.cursor = cell;
    this.readout = this.describe(cell);
  }

  private describe({ q, k }: { q: number; k: number }): string {
    const T = this.labels.length;
    const weight = this.matrix?.[q * T + k] ?? 0;
    return t('cellReadout', this.labels[q], q + 1, this.labels[k], k + 1, weight.toFixed(3));
  }
}

function clamp(i: number, T: number): number {
  return Math.max(0, Math.min(T - 1, i));
}

declare global {
  interface HTMLElementTagNameMap {
    'heatmap-view': HeatmapView;
  }
}
