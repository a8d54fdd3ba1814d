// A log-log scatter of validation loss against model size N or compute C: the sweep's runs as
// dots, the fitted law as a dashed curve, the prediction for the next size as a hollow ring and,
// once trained, its real loss as a filled square. Colours come from the theme's chart colours; the
// exported SVG inlines them (../../shared/exportImage.ts).
import { css, html, LitElement, nothing, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { logDomain, logScale, logTicks, tickLabel } from '../logAxes';

export interface PlotPoint {
  readonly x: number;
  readonly y: number;
  /** Shown on hover and read by screen readers. */
  readonly label: string;
}

const W = 480;
const H = 230;
const PAD = { left: 52, right: 12, top: 10, bottom: 34 };

@customElement('scaling-plot')
export class ScalingPlot extends LitElement {
  static override styles = css`
    :host { display: block; }
    svg { width: 100%; max-width: ${W * 1.5}px; height: auto; font-size: 10px; }
    .axis, .grid { stroke: var(--vscode-editorWidget-border, #888); }
    .grid { stroke-opacity: 0.35; }
    text { fill: var(--vscode-descriptionForeground); font-family: var(--vscode-font-family); }
    .run { fill: var(--vscode-charts-blue); }
    .fit { fill: none; stroke: var(--vscode-charts-green); stroke-width: 1.5; stroke-dasharray: 5 3; }
    .predicted { fill: none; stroke: var(--vscode-charts-orange); stroke-width: 2; }
    .checked { fill: var(--vscode-charts-red); }
    .legend { font-size: 11px; }
  `;

  @property({ attribute: false }) runs: readonly PlotPoint[] = [];
  @property({ attribute: false }) curve: readonly (readonly [number, number])[] = [];
  @property({ attribute: false }) predicted: PlotPoint | undefined;
  @property({ attribute: false }) checked: PlotPoint | undefined;
  @property() xLabel = '';
  @property() yLabel = '';
  /** Legend entries: runs, fit, predicted, checked. */
  @property({ attribute: false }) legend: readonly [string, string, string, string] = ['', '', '', ''];
  /** Read by screen readers: what the plot shows, in words. */
  @property() summary = '';

  /** The drawn <svg>, for image export. */
  get svgElement(): SVGSVGElement | null {
    return this.renderRoot.querySelector('svg');
  }

  override render() {
    const marks = [...this.runs, ...(this.predicted ? [this.predicted] : []), ...(this.checked ? [this.checked] : [])];
    if (marks.length === 0) return html`<p class="muted">${this.summary}</p>`;
    const [xLo, xHi] = logDomain([...marks.map((p) => p.x), ...this.curve.map((p) => p[0])]);
    const [yLo, yHi] = logDomain([...marks.map((p) => p.y), ...this.curve.map((p) => p[1])]);
    const x = logScale(xLo, xHi, PAD.left, W - PAD.right);
    const y = logScale(yLo, yHi, H - PAD.bottom, PAD.top);
    const curve = this.curve.filter((p) => p[1] > 0).map((p, i) => `${i ? 'L' : 'M'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join('');
    const shown = [true, this.curve.length > 0, this.predicted !== undefined, this.checked !== undefined];
    return html`<svg viewBox="0 0 ${W} ${H + 18}" role="img" aria-label=${this.summary}>
      ${logTicks(yLo, yHi).map((v) => svg`<line class="grid" x1=${PAD.left} x2=${W - PAD.right} y1=${y(v)} y2=${y(v)}></line><text x=${PAD.left - 4} y=${y(v) + 3} text-anchor="end">${tickLabel(v)}</text>`)}
      ${logTicks(xLo, xHi).map((v) => svg`<line class="grid" x1=${x(v)} x2=${x(v)} y1=${PAD.top} y2=${H - PAD.bottom}></line><text x=${x(v)} y=${H - PAD.bottom + 13} text-anchor="middle">${tickLabel(v)}</text>`)}
      <line class="axis" x1=${PAD.left} x2=${PAD.left} y1=${PAD.top} y2=${H - PAD.bottom}></line>
      <line class="axis" x1=${PAD.left} x2=${W - PAD.right} y1=${H - PAD.bottom} y2=${H - PAD.bottom}></line>
      <text x=${(PAD.left + W - PAD.right) / 2} y=${H - 6} text-anchor="middle">${this.xLabel}</text>
      <text x=${12} y=${(PAD.top + H - PAD.bottom) / 2} text-anchor="middle" transform="rotate(-90 12 ${(PAD.top + H - PAD.bottom) / 2})">${this.yLabel}</text>
      ${curve ? svg`<path class="fit" d=${curve}></path>` : nothing}
      ${this.runs.map((p) => svg`<circle class="run" cx=${x(p.x)} cy=${y(p.y)} r="3.5"><title>${p.label}</title></circle>`)}
      ${this.predicted ? svg`<circle class="predicted" cx=${x(this.predicted.x)} cy=${y(this.predicted.y)} r="5"><title>${this.predicted.label}</title></circle>` : nothing}
      ${this.checked ? svg`<rect class="checked" x=${x(this.checked.x) - 4} y=${y(this.checked.y) - 4} width="8" height="8"><title>${this.checked.label}</title></rect>` : nothing}
      ${this.legend.map((label, i) => (shown[i] ? svg`<text class="legend" x=${PAD.left + 4 + i * 108} y=${H + 14}>${legendMark(i)} ${label}</text>` : nothing))}
    </svg>`;
  }
}

/** The legend's sample of each mark, in the mark's colour. */
function legendMark(i: number) {
  const colour = ['--vscode-charts-blue', '--vscode-charts-green', '--vscode-charts-orange', '--vscode-charts-red'][i];
  return svg`<tspan style="fill: var(${colour})">${['●', '╌', '○', '■'][i]}</tspan>`;
}

declare global {
  interface HTMLElementTagNameMap {
    'scaling-plot': ScalingPlot;
  }
}
