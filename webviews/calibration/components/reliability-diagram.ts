// The reliability diagram: confidence of the first choice on x, how often it was right on y. A
// bar per bin reaches the bin's accuracy; a line across it marks the bin's mean confidence, which
// is where a calibrated model's bar would end, and the band between them is the gap. Bars below
// the diagonal are over-confident bins, bars above it under-confident ones. Each bar is a
// focusable element with its figures as its label, so the diagram can be read with the keyboard.
import { css, html, LitElement, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { CalibrationView } from '../protocol';
import { barMarks, xOf, yOf, type PlotBox } from '../reliabilityGeometry';
import { t } from '../strings';

const W = 420;
const H = 400;
const BOX: PlotBox = { left: 52, top: 18, width: 350, height: 290 };
const TICKS = [0, 0.2, 0.4, 0.6, 0.8, 1];
const bottom = BOX.top + BOX.height;

@customElement('reliability-diagram')
export class ReliabilityDiagram extends LitElement {
  static override styles = css`
    :host { display: block; }
    svg { width: 100%; max-width: ${W * 1.5}px; height: auto; font-size: 10px; }
    text { fill: var(--vscode-descriptionForeground); font-family: var(--vscode-font-family); }
    .axis, .grid { stroke: var(--vscode-editorWidget-border, #888); }
    .grid { stroke-opacity: 0.35; }
    .diagonal { stroke: var(--vscode-foreground); stroke-dasharray: 5 4; stroke-width: 1.2; }
    .bar { fill: var(--vscode-charts-blue); fill-opacity: 0.75; stroke: var(--vscode-charts-blue); }
    .bar:focus { outline: none; stroke: var(--vscode-focusBorder); stroke-width: 3; }
    .gap { fill: var(--vscode-charts-red); fill-opacity: 0.35; }
    .confidence { stroke: var(--vscode-charts-red); stroke-width: 2; }
    .count { font-size: 9px; }
    .legend { font-size: 11px; }
    .swatch-bar { fill: var(--vscode-charts-blue); }
    .swatch-gap { fill: var(--vscode-charts-red); fill-opacity: 0.5; }
  `;

  @property({ attribute: false }) view: CalibrationView | undefined;

  /** The drawn <svg>, for image export. */
  get svgElement(): SVGSVGElement | null {
    return this.renderRoot.querySelector('svg');
  }

  override render() {
    const view = this.view;
    if (!view) return html``;
    const marks = barMarks(view.bins, BOX);
    const middle = BOX.top + BOX.height / 2;
    const pct = (p: number) => `${(p * 100).toFixed(1)}%`;
    return html`<svg viewBox="0 0 ${W} ${H}" role="group" aria-label=${t('diagramLabel', view.file, pct(view.accuracy), view.ece.toFixed(4))}>
      ${TICKS.map((p) => svg`
        <line class="grid" x1=${BOX.left} x2=${BOX.left + BOX.width} y1=${yOf(BOX, p)} y2=${yOf(BOX, p)}></line>
        <line class="grid" x1=${xOf(BOX, p)} x2=${xOf(BOX, p)} y1=${BOX.top} y2=${bottom}></line>
        <text x=${BOX.left - 5} y=${yOf(BOX, p) + 3} text-anchor="end">${p.toFixed(1)}</text>
        <text x=${xOf(BOX, p)} y=${bottom + 13} text-anchor="middle">${p.toFixed(1)}</text>`)}
      <line class="axis" x1=${BOX.left} x2=${BOX.left} y1=${BOX.top} y2=${bottom}></line>
      <line class="axis" x1=${BOX.left} x2=${BOX.left + BOX.width} y1=${bottom} y2=${bottom}></line>
      <text x=${BOX.left + BOX.width / 2} y=${bottom + 28} text-anchor="middle">${t('confidenceAxis')}</text>
      <text x="14" y=${middle} text-anchor="middle" transform="rotate(-90 14 ${middle})">${t('accuracyAxis')}</text>
      ${marks.map((m) => svg`
        <rect class="bar" x=${m.x + 1} width=${Math.max(0, m.width - 2)} y=${m.accuracyY} height=${bottom - m.accuracyY} tabindex="0" role="img"
          aria-label=${t('binLabel', m.bin.low.toFixed(2), m.bin.high.toFixed(2), m.bin.count, pct(m.bin.confidence), pct(m.bin.accuracy))}>
          <title>${t('binLabel', m.bin.low.toFixed(2), m.bin.high.toFixed(2), m.bin.count, pct(m.bin.confidence), pct(m.bin.accuracy))}</title></rect>
        <rect class="gap" x=${m.x + 1} width=${Math.max(0, m.width - 2)} y=${Math.min(m.accuracyY, m.confidenceY)} height=${Math.abs(m.accuracyY - m.confidenceY)} aria-hidden="true"></rect>
        <line class="confidence" x1=${m.x + 1} x2=${m.x + m.width - 1} y1=${m.confidenceY} y2=${m.confidenceY} aria-hidden="true"></line>
        <text class="count" x=${m.x + m.width / 2} y=${Math.min(m.accuracyY, m.confidenceY) - 3} text-anchor="middle" aria-hidden="true">${m.bin.count}</text>`)}
      <line class="diagonal" x1=${xOf(BOX, 0)} y1=${yOf(BOX, 0)} x2=${xOf(BOX, 1)} y2=${yOf(BOX, 1)} aria-hidden="true"></line>
      <g class="legend" aria-hidden="true">
        <rect class="swatch-bar" x=${BOX.left} y=${H - 50} width="10" height="10"></rect>
        <text x=${BOX.left + 14} y=${H - 41}>${t('accuracyBars')}</text>
        <rect class="swatch-gap" x=${BOX.left + 170} y=${H - 50} width="10" height="10"></rect>
        <text x=${BOX.left + 184} y=${H - 41}>${t('gapBand')}</text>
        <line class="diagonal" x1=${BOX.left} x2=${BOX.left + 10} y1=${H - 27} y2=${H - 27}></line>
        <text x=${BOX.left + 14} y=${H - 23}>${t('diagonal')}</text>
        <text x=${BOX.left} y=${H - 5}>${t('countLabel')}</text>
      </g>
    </svg>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'reliability-diagram': ReliabilityDiagram;
  }
}
