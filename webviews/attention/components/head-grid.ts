// Every attention head as a thumbnail: one row per layer, one cell per head and a last cell for
// the layer's mean. Keyboard: the grid is one tab stop; arrow keys, Home and End move between
// cells (roving tabindex); Enter or Space shows the cell's head large, as a click does.
import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { baseStyles } from '../../shared/theme.css';
import { CanvasPainter } from '../draw/canvasPainter';
import { drawGrid, gridSize } from '../draw/gridDrawing';
import type { Painter } from '../draw/painter';
import { colourCells, type Palette } from '../draw/palette';
import { MEAN_HEAD } from '../protocol';
import { t } from '../strings';
import type { Exportable } from './exportable';

export type HeadSelectEvent = CustomEvent<{ layer: number; head: number }>;

const THUMB_PX = 56;

@customElement('head-grid')
export class HeadGrid extends LitElement implements Exportable {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      .grid {
        display: inline-grid;
        gap: 4px;
        align-items: center;
      }
      .row {
        display: contents;
      }
      .label {
        color: var(--vscode-descriptionForeground);
        padding-right: 6px;
        white-space: nowrap;
      }
      .header {
        text-align: center;
        color: var(--vscode-descriptionForeground);
      }
      .cell {
        padding: 2px;
        border: 1px solid transparent;
        border-radius: 2px;
        cursor: pointer;
        line-height: 0;
      }
      .cell:hover {
        border-color: var(--vscode-list-hoverBackground);
      }
      .cell[aria-selected='true'] {
        border-color: var(--vscode-charts-orange);
        background: var(--vscode-list-activeSelectionBackground);
      }
      .cell.mean {
        margin-left: 6px;
      }
      canvas {
        image-rendering: pixelated;
      }
    `,
  ];

  @property({ attribute: false }) heads: readonly number[] = [];
  /** Per layer: [heads, side, side]. */
  @property({ attribute: false }) thumbnails: readonly Float32Array[] = [];
  @property({ type: Number }) side = 0;
  @property({ type: Number }) tokens = 0;
  @property({ type: Number }) layer = 0;
  @property({ type: Number }) head = 0;
  @property({ attribute: false }) palette: Palette | undefined;
  @property({ attribute: false }) ramp: Uint8ClampedArray | undefined;
  @state() private focusAt: { layer: number; column: number } = { layer: 0, column: 0 };

  override render() {
    const columns = Math.max(0, ...this.heads) + 1;
    return html`<div class="grid" role="grid" aria-label=${t('headsGrid')} style="grid-template-columns: auto repeat(${columns}, auto)" @keydown=${this.onKeyDown}>
      <div class="row" role="row">
        <span role="columnheader"></span>
        ${Array.from({ length: columns }, (_, c) => html`<span class="header" role="columnheader">${c === columns - 1 ? t('meanShort') : t('headShort', c + 1)}</span>`)}
      </div>
      ${this.heads.map(
        (heads, l) => html`<div class="row" role="row">
          <span class="label" role="rowheader">${t('layerShort', l + 1)}</span>
          ${Array.from({ length: columns }, (_, c) => this.renderCell(l, c, heads, columns))}
        </div>`,
      )}
    </div>`;
  }

  private renderCell(layer: number, column: number, heads: number, columns: number) {
    const isMean = column === columns - 1;
    if (!isMean && column >= heads) return html`<span role="gridcell"></span>`;
    const head = isMean ? MEAN_HEAD : column;
    const selected = layer === this.layer && head === this.head;
    const focused = this.focusAt.layer === layer && this.focusAt.column === column;
    const label = isMean ? t('meanCell', layer + 1, heads) : t('headCell', layer + 1, column + 1);
    return html`<div
      class="cell ${isMean ? 'mean' : ''}"
      role="gridcell"
      id="cell-${layer}-${isMean ? 'mean' : column}"
      data-layer=${layer}
      data-head=${head}
      tabindex=${focused ? 0 : -1}
      aria-selected=${selected ? 'true' : 'false'}
      aria-label=${label}
      title=${label}
      @click=${() => this.choose(layer, column)}
    >
      <canvas width=${THUMB_PX} height=${THUMB_PX}></canvas>
    </div>`;
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('layer') || changed.has('head') || changed.has('heads')) {
      const columns = Math.max(0, ...this.heads) + 1;
      this.focusAt = { layer: this.layer, column: this.head === MEAN_HEAD ? columns - 1 : this.head };
    }
  }

  override updated(): void {
    const { palette, ramp } = this;
    if (!palette || !ramp) return;
    for (const canvas of this.renderRoot.querySelectorAll<HTMLCanvasElement>('.cell canvas')) {
      const cell = canvas.parentElement as HTMLElement;
      const thumb = this.thumbnailOf(Number(cell.dataset.layer), Number(cell.dataset.head));
      if (!thumb) continue;
      const painter = new CanvasPainter(canvas, THUMB_PX, THUMB_PX, palette.fonts);
      let max = 0;
      for (let i = 0; i < thumb.length; i++) max = Math.max(max, thumb[i]);
      // The masked triangle (later tokens) in the grid colour, so it differs from weights near 0.
      painter.rect(0, 0, THUMB_PX, THUMB_PX, palette.background);
      painter.rect(0, 0, THUMB_PX, THUMB_PX, palette.grid, 0.25);
      painter.cells(0, 0, THUMB_PX, THUMB_PX, this.side, this.side, colourCells(thumb, max, ramp, true));
    }
  }

  /** One head's thumbnail, or the mean of the layer's (a block mean of a mean is the mean of block means). */
  thumbnailOf(layer: number, head: number): Float32Array | undefined {
    const all = this.thumbnails[layer];
    const heads = this.heads[layer];
    if (!all || !heads) return undefined;
    const size = this.side * this.side;
    if (head !== MEAN_HEAD) return all.subarray(head * size, (head + 1) * size);
    const mean = new Float32Array(size);
    for (let h = 0; h < heads; h++) for (let i = 0; i < size; i++) mean[i] += all[h * size + i] / heads;
    return mean;
  }

  exportSize(): { width: number; height: number } {
    return gridSize(this.gridContent());
  }

  paint(painter: Painter): void {
    if (this.palette && this.ramp) drawGrid(painter, this.gridContent(), this.palette, this.ramp);
  }

  private gridContent() {
    const layers = this.heads.map((heads, l) => [
      ...Array.from({ length: heads }, (_, h) => this.thumbnailOf(l, h) as Float32Array),
      this.thumbnailOf(l, MEAN_HEAD) as Float32Array,
    ]);
    return { layers, side: this.side, tokens: this.tokens, selected: { layer: this.layer, head: this.head }, title: t('gridTitle', this.tokens) };
  }

  private choose(layer: number, column: number): void {
    const columns = Math.max(0, ...this.heads) + 1;
    const head = column === columns - 1 ? MEAN_HEAD : column;
    this.focusAt = { layer, column };
    this.dispatchEvent(new CustomEvent('head-select', { detail: { layer, head }, bubbles: true, composed: true }));
  }

  private onKeyDown(event: KeyboardEvent): void {
    const columns = Math.max(0, ...this.heads) + 1;
    const { layer, column } = this.focusAt;
    const valid = (l: number, c: number) => c === columns - 1 || c < (this.heads[l] ?? 0);
    let next = { layer, column };
    switch (event.key) {
      case 'ArrowRight':
        next = { layer, column: Math.min(columns - 1, column + 1) };
        while (!valid(next.layer, next.column)) next.column++;
        break;
      case 'ArrowLeft':
        next = { layer, column: Math.max(0, column - 1) };
        break;
      case 'ArrowDown':
        next = { layer: Math.min(this.heads.length - 1, layer + 1), column };
        break;
      case 'ArrowUp':
        next = { layer: Math.max(0, layer - 1), column };
        break;
      case 'Home':
        next = { layer, column: 0 };
        break;
      case 'End':
        next = { layer, column: columns - 1 };
        break;
      case 'Enter':
      case ' ':
        event.preventDefault();
        this.choose(layer, column);
        return;
      default:
        return;
    }
    event.preventDefault();
    if (!valid(next.layer, next.column)) next.column = columns - 1;
    this.focusAt = next;
    void this.updateComplete.then(() => {
      const id = `cell-${next.layer}-${next.column === columns - 1 ? 'mean' : next.column}`;
      (this.renderRoot.querySelector(`#${id}`) as HTMLElement | null)?.focus();
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'head-grid': HeadGrid;
  }
}
