// Residual-stream norms through the layers, one line per token (see draw/normsDrawing.ts).
import { LitElement, css, html } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { baseStyles } from '../../shared/theme.css';
import { CanvasPainter } from '../draw/canvasPainter';
import { drawNorms } from '../draw/normsDrawing';
import type { Painter } from '../draw/painter';
import type { Palette } from '../draw/palette';
import type { NormsView as NormsData } from '../protocol';
import { t } from '../strings';
import type { Exportable } from './exportable';

/** The plot fits the panel's width, between these. */
const MIN_WIDTH = 360;
const MAX_WIDTH = 720;
const ASPECT = 0.56;

@customElement('norms-view')
export class NormsView extends LitElement implements Exportable {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      canvas {
        display: block;
      }
    `,
  ];

  @property({ attribute: false }) data: NormsData | undefined;
  @property({ attribute: false }) labels: readonly string[] = [];
  @property({ type: Number }) query = -1;
  @property({ attribute: false }) palette: Palette | undefined;
  /** Drawn only while its tab shows. */
  @property({ type: Boolean }) active = false;
  /** The width the panel has for the plot, in CSS pixels. */
  @property({ type: Number }) available = MAX_WIDTH;
  @query('canvas') private canvas!: HTMLCanvasElement;

  override render() {
    return html`<canvas role="img" aria-label=${t('normsLabel', this.data?.streams ?? 0, this.labels.length)}></canvas>`;
  }

  override updated(): void {
    const { width, height } = this.exportSize();
    if (this.active && this.data && this.palette) this.paint(new CanvasPainter(this.canvas, width, height, this.palette.fonts));
  }

  exportSize(): { width: number; height: number } {
    const width = Math.round(Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, this.available)));
    return { width, height: Math.round(width * ASPECT) };
  }

  paint(painter: Painter): void {
    const { data, palette } = this;
    if (!data || !palette) return;
    drawNorms(painter, { streams: data.streams, tokens: this.labels.length, norms: data.norms, labels: this.labels, query: this.query, title: t('normsTitle') }, palette);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'norms-view': NormsView;
  }
}
