// A small SVG line chart: one or more series over the step axis, linear or log y, an optional
// marked point (the current learning rate on its schedule). Colours come from the theme's chart
// colours; the exported image inlines them (exportImage.ts).
import { css, html, LitElement, svg, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';

export interface Series {
  readonly label: string;
  /** [step, value] pairs in step order. */
  readonly points: readonly (readonly [number, number])[];
  /** A theme chart colour: blue, red, green, orange, purple, yellow. */
  readonly colour: 'blue' | 'red' | 'green' | 'orange' | 'purple' | 'yellow';
  /** Draw a dot at each point (sparse series such as validation loss). */
  readonly dots?: boolean;
  readonly dashed?: boolean;
}

const W = 480;
const H = 190;
const PAD = { left: 52, right: 10, top: 10, bottom: 30 };

/** Round-number ticks between lo and hi (about `count` of them). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

const label = (v: number) => (Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? Number(v.toPrecision(3)).toExponential() : String(Number(v.toPrecision(3))));

@customElement('line-chart')
export class LineChart extends LitElement {
  static override styles = css`
    :host { display: block; }
    svg { width: 100%; max-width: ${W * 1.6}px; height: auto; font-size: 10px; }
    .axis, .grid { stroke: var(--vscode-editorWidget-border, #888); }
    .grid { stroke-opacity: 0.35; }
    text { fill: var(--vscode-descriptionForeground); font-family: var(--vscode-font-family); }
    .line { fill: none; stroke-width: 1.5; }
    .blue { stroke: var(--vscode-charts-blue); fill: var(--vscode-charts-blue); }
    .red { stroke: var(--vscode-charts-red); fill: var(--vscode-charts-red); }
    .green { stroke: var(--vscode-charts-green); fill: var(--vscode-charts-green); }
    .orange { stroke: var(--vscode-charts-orange); fill: var(--vscode-charts-orange); }
    .purple { stroke: var(--vscode-charts-purple); fill: var(--vscode-charts-purple); }
    .yellow { stroke: var(--vscode-charts-yellow); fill: var(--vscode-charts-yellow); }
    path.line.blue, path.line.red, path.line.green, path.line.orange, path.line.purple, path.line.yellow { fill: none; }
    .dashed { stroke-dasharray: 4 3; }
    .legend { font-size: 11px; }
  `;

  @property({ attribute: false }) series: readonly Series[] = [];
  /** The last step on the x axis (the run's total, so the curve grows into it). */
  @property({ type: Number }) xMax = 1;
  @property({ type: Boolean }) log = false;
  @property() yLabel = '';
  /** Read by screen readers: what the chart shows, in words. */
  @property() summary = '';
  @property({ attribute: false }) marker: { readonly x: number; readonly y: number } | undefined;

  /** The drawn <svg>, for image export. */
  get svgElement(): SVGSVGElement | null {
    return this.renderRoot.querySelector('svg');
  }

  protected override shouldUpdate(changed: PropertyValues): boolean {
    return changed.size > 0;
  }

  override render() {
    const values = this.series.flatMap((s) => s.points.map((p) => p[1])).concat(this.marker ? [this.marker.y] : []).filter((v) => Number.isFinite(v) && (!this.log || v > 0));
    if (values.length === 0) return html`<p class="muted">${this.summary}</p>`;
    const f = (v: number) => (this.log ? Math.log10(v) : v);
    let lo = Math.min(...values.map(f));
    let hi = Math.max(...values.map(f));
    if (hi - lo < 1e-9) [lo, hi] = [lo - 0.5, hi + 0.5];
    const x = (step: number) => PAD.left + (step / Math.max(1, this.xMax)) * (W - PAD.left - PAD.right);
    const y = (v: number) => PAD.top + ((hi - f(v)) / (hi - lo)) * (H - PAD.top - PAD.bottom);
    const yTicks = this.log ? niceTicks(Math.floor(lo), Math.ceil(hi), Math.max(1, Math.ceil(hi) - Math.floor(lo))).map((e) => 10 ** e).filter((v) => f(v) >= lo - 1e-9 && f(v) <= hi + 1e-9) : niceTicks(lo, hi);
    const xTicks = niceTicks(0, this.xMax, 5);
    const path = (points: Series['points']) =>
      points.filter((p) => Number.isFinite(p[1]) && (!this.log || p[1] > 0)).map((p, i) => `${i ? 'L' : 'M'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join('');
    return html`<svg viewBox="0 0 ${W} ${H + 16}" role="img" aria-label=${this.summary}>
      ${yTicks.map((v) => svg`<line class="grid" x1=${PAD.left} x2=${W - PAD.right} y1=${y(v)} y2=${y(v)}></line><text x=${PAD.left - 4} y=${y(v) + 3} text-anchor="end">${label(v)}</text>`)}
      ${xTicks.map((s) => svg`<text x=${x(s)} y=${H - PAD.bottom + 14} text-anchor="middle">${label(s)}</text>`)}
      <line class="axis" x1=${PAD.left} x2=${PAD.left} y1=${PAD.top} y2=${H - PAD.bottom}></line>
      <line class="axis" x1=${PAD.left} x2=${W - PAD.right} y1=${H - PAD.bottom} y2=${H - PAD.bottom}></line>
      <text x=${12} y=${(PAD.top + H - PAD.bottom) / 2} text-anchor="middle" transform="rotate(-90 12 ${(PAD.top + H - PAD.bottom) / 2})">${this.yLabel}</text>
      ${this.series.map((s) => svg`<path class="line ${s.colour} ${s.dashed ? 'dashed' : ''}" d=${path(s.points)}></path>
        ${s.dots ? s.points.filter((p) => Number.isFinite(p[1]) && (!this.log || p[1] > 0)).map((p) => svg`<circle class=${s.colour} cx=${x(p[0])} cy=${y(p[1])} r="2.5"></circle>`) : nothing}`)}
      ${this.marker ? svg`<circle class="orange" cx=${x(this.marker.x)} cy=${y(this.marker.y)} r="4"></circle>` : nothing}
      ${this.series.map((s, i) => svg`<text class="legend" x=${PAD.left + 8 + i * 150} y=${H + 10}><tspan class=${s.colour} style="stroke:none">■</tspan> ${s.label}</text>`)}
    </svg>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'line-chart': LineChart;
  }
}
