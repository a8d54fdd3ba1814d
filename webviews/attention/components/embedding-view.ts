// The text's token embeddings on the plane of the embedding matrix's first two principal
// components, optionally over the vocabulary's first tokens. Hovering a point names its token;
// clicking a token of the text chooses it as the query.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { baseStyles } from '../../shared/theme.css';
import { CanvasPainter } from '../draw/canvasPainter';
import type { Painter } from '../draw/painter';
import type { Palette } from '../draw/palette';
import { drawScatter, scatterHit, scatterLayout, type ScatterContent, type ScatterLayout } from '../draw/scatterDrawing';
import type { EmbeddingView as EmbeddingData, TokenView } from '../protocol';
import { t } from '../strings';
import { tokenLabel } from '../tokenLabel';
import { queryChange, type Exportable } from './exportable';

/** The plot fits the panel's width, between these. */
const MIN_WIDTH = 360;
const MAX_WIDTH = 720;
const ASPECT = 0.72;

@customElement('embedding-view')
export class EmbeddingView extends LitElement implements Exportable {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        position: relative;
      }
      canvas {
        display: block;
      }
      .tip {
        position: absolute;
        pointer-events: none;
        background: var(--vscode-editorHoverWidget-background);
        color: var(--vscode-editorHoverWidget-foreground);
        border: 1px solid var(--vscode-editorHoverWidget-border);
        padding: 2px 6px;
        white-space: nowrap;
      }
    `,
  ];

  @property({ attribute: false }) data: EmbeddingData | undefined;
  @property({ attribute: false }) tokens: readonly TokenView[] = [];
  @property({ type: Boolean }) showVocabulary = true;
  @property({ type: Number }) query = -1;
  @property({ attribute: false }) palette: Palette | undefined;
  /** Drawn only while its tab shows. */
  @property({ type: Boolean }) active = false;
  /** The width the panel has for the plot, in CSS pixels. */
  @property({ type: Number }) available = MAX_WIDTH;
  @state() private tip: { x: number; y: number; text: string } | undefined;
  @query('canvas') private canvas!: HTMLCanvasElement;
  private layout: ScatterLayout | undefined;

  override render() {
    return html`
      <canvas role="img" aria-label=${t('embeddingsLabel', this.tokens.length)} @mousemove=${this.onPointer} @mouseleave=${() => (this.tip = undefined)} @click=${this.onClick}></canvas>
      ${this.tip ? html`<div class="tip mono" style="left: ${this.tip.x + 12}px; top: ${this.tip.y + 12}px">${this.tip.text}</div>` : nothing}
    `;
  }

  override updated(changed: Map<string, unknown>): void {
    if (!this.active || (changed.size === 1 && changed.has('tip'))) return;
    const content = this.content();
    if (!content || !this.palette) return;
    const { width, height } = this.exportSize();
    this.layout = scatterLayout(content, width, height);
    drawScatter(new CanvasPainter(this.canvas, width, height, this.palette.fonts), this.layout, content, this.palette);
  }

  exportSize(): { width: number; height: number } {
    const width = Math.round(Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, this.available)));
    return { width, height: Math.round(width * ASPECT) };
  }

  paint(painter: Painter): void {
    const content = this.content();
    if (content && this.palette) drawScatter(painter, scatterLayout(content, painter.width, painter.height), content, this.palette);
  }

  private content(): ScatterContent | undefined {
    const data = this.data;
    if (!data) return undefined;
    return {
      tokens: { x: data.x, y: data.y, labels: this.tokens.map((tk) => tokenLabel(tk.text)) },
      vocabulary: this.showVocabulary ? { x: data.vocabulary.x, y: data.vocabulary.y, labels: data.vocabulary.texts.map(tokenLabel) } : undefined,
      explained: data.explained,
      title: t('embeddingsTitle'),
      query: this.query,
    };
  }

  private hit(event: MouseEvent) {
    const content = this.content();
    if (!content || !this.layout) return undefined;
    const box = this.canvas.getBoundingClientRect();
    const [x, y] = [event.clientX - box.left, event.clientY - box.top];
    return { x, y, hit: scatterHit(this.layout, content, x, y) };
  }

  private onPointer(event: MouseEvent): void {
    const found = this.hit(event);
    const data = this.data;
    if (!found?.hit || !data) {
      this.tip = undefined;
      return;
    }
    const { kind, index } = found.hit;
    const text =
      kind === 'token'
        ? t('pointToken', tokenLabel(this.tokens[index].text), index + 1, this.tokens[index].id)
        : t('pointVocabulary', tokenLabel(data.vocabulary.texts[index]), data.vocabulary.ids[index]);
    this.tip = { x: found.x, y: found.y, text };
  }

  private onClick(event: MouseEvent): void {
    const found = this.hit(event)?.hit;
    if (found?.kind === 'token') this.dispatchEvent(queryChange(found.index));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'embedding-view': EmbeddingView;
  }
}
