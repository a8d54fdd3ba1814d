// Attention as lines between two columns of the same tokens (queries left, keys right). A click
// on a token, or Up and Down on the focused picture, chooses the query whose lines stand out.
import { LitElement, css, html } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { baseStyles } from '../../shared/theme.css';
import { CanvasPainter } from '../draw/canvasPainter';
import { drawLines, linesHit, linesLayout, type LinesLayout } from '../draw/linesDrawing';
import type { Painter } from '../draw/painter';
import type { Palette } from '../draw/palette';
import { t } from '../strings';
import { queryChange, type Exportable } from './exportable';

@customElement('lines-view')
export class LinesView extends LitElement implements Exportable {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      canvas {
        display: block;
        cursor: pointer;
      }
    `,
  ];

  @property({ attribute: false }) matrix: Float32Array | undefined;
  @property({ attribute: false }) labels: readonly string[] = [];
  @property() heading = '';
  @property({ type: Number }) query = -1;
  @property({ attribute: false }) palette: Palette | undefined;
  /** Drawn only while its tab shows: thousands of lines need not be drawn for nobody. */
  @property({ type: Boolean }) active = false;
  @query('canvas') private canvas!: HTMLCanvasElement;
  private layout: LinesLayout | undefined;

  override render() {
    return html`<canvas tabindex="0" role="img" aria-label=${t('linesLabel', this.heading)} @click=${this.onClick} @keydown=${this.onKeyDown}></canvas>`;
  }

  override updated(): void {
    if (!this.active || !this.matrix || !this.palette || this.labels.length === 0) return;
    this.layout = linesLayout(this.labels.length, this.palette);
    this.paint(new CanvasPainter(this.canvas, this.layout.width, this.layout.height, this.palette.fonts));
  }

  exportSize(): { width: number; height: number } {
    const layout = linesLayout(this.labels.length, this.palette as Palette);
    return { width: layout.width, height: layout.height };
  }

  paint(painter: Painter): void {
    if (!this.matrix || !this.palette) return;
    const layout = linesLayout(this.labels.length, this.palette);
    drawLines(painter, layout, { matrix: this.matrix, labels: this.labels, title: this.heading, query: this.query }, this.palette);
  }

  private onClick(event: MouseEvent): void {
    if (!this.layout) return;
    const box = this.canvas.getBoundingClientRect();
    const hit = linesHit(this.layout, event.clientX - box.left, event.clientY - box.top);
    if (hit?.side === 'query') this.dispatchEvent(queryChange(hit.index === this.query ? -1 : hit.index));
  }

  private onKeyDown(event: KeyboardEvent): void {
    const T = this.labels.length;
    const step = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : 0;
    if (step !== 0 && T > 0) {
      event.preventDefault();
      this.dispatchEvent(queryChange(Math.max(0, Math.min(T - 1, this.query + step))));
    } else if (event.key === 'Escape') {
      this.dispatchEvent(queryChange(-1));
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lines-view': LinesView;
  }
}
