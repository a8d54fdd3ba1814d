// Gradient norm per layer over the run: a row per layer (embeddings at the top, the final norm at
// the bottom), a column per stretch of steps, darker where the gradient is larger. The shade is
// log-scaled across the whole run, so a layer whose gradient grows a hundredfold stands out.
import { css, html, LitElement, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { PointView } from '../protocol';

const COLUMNS = 100;
const ROW = 14;
const LEFT = 70;
const W = 480;

@customElement('layer-heatmap')
export class LayerHeatmap extends LitElement {
  static override styles = css`
    :host { display: block; }
    svg { width: 100%; max-width: ${W * 1.6}px; height: auto; font-size: 10px; }
    text { fill: var(--vscode-descriptionForeground); font-family: var(--vscode-font-family); }
    rect.cell { fill: var(--vscode-charts-orange); }
  `;

  @property({ attribute: false }) layers: readonly string[] = [];
  @property({ attribute: false }) points: readonly PointView[] = [];
  @property({ type: Number }) xMax = 1;
  @property() summary = '';

  get svgElement(): SVGSVGElement | null {
    return this.renderRoot.querySelector('svg');
  }

  override render() {
    const withNorms = this.points.filter((p) => p.layerGradNorms?.length === this.layers.length);
    if (withNorms.length === 0 || this.layers.length === 0) return html`<p class="muted">${this.summary}</p>`;
    // Mean norm of each layer in each of COLUMNS equal stretches of the run's steps.
    const sums = this.layers.map(() => new Float64Array(COLUMNS));
    const counts = new Float64Array(COLUMNS);
    for (const p of withNorms) {
      const column = Math.min(COLUMNS - 1, Math.floor(((p.step - 1) / Math.max(1, this.xMax)) * COLUMNS));
      counts[column]++;
      p.layerGradNorms?.forEach((n, layer) => (sums[layer][column] += n));
    }
    // Progress comes every 200 ms, not every step: a stretch with no report between two that have
    // one takes the earlier one's norms, so the map has no holes.
    let last = -1;
    for (let c = 0; c < COLUMNS; c++) {
      if (counts[c]) last = c;
      else if (last >= 0 && counts.subarray(c + 1).some((n) => n > 0)) {
        sums.forEach((row) => (row[c] = row[last] / counts[last]));
        counts[c] = 1;
      }
    }
    const logs = sums.flatMap((row) => [...row].map((s, c) => (counts[c] ? Math.log10(Math.max(1e-12, s / counts[c])) : NaN))).filter(Number.isFinite);
    const lo = Math.min(...logs);
    const hi = Math.max(...logs);
    const cell = (W - LEFT) / COLUMNS;
    const height = this.layers.length * ROW + 16;
    return html`<svg viewBox="0 0 ${W} ${height}" role="img" aria-label=${this.summary}>
      ${this.layers.map((layer, r) => svg`<text x=${LEFT - 4} y=${r * ROW + ROW - 4} text-anchor="end">${layer}</text>
        ${[...sums[r]].map((s, c) => {
          if (!counts[c]) return svg``;
          const mean = s / counts[c];
          const shade = hi > lo ? (Math.log10(Math.max(1e-12, mean)) - lo) / (hi - lo) : 1;
          return svg`<rect class="cell" x=${LEFT + c * cell} y=${r * ROW} width=${cell + 0.3} height=${ROW - 1} fill-opacity=${(0.08 + 0.92 * shade).toFixed(3)}><title>${layer}: ‖g‖ ${mean.toPrecision(3)}</title></rect>`;
        })}`)}
      <text x=${LEFT} y=${height - 3}>step 0</text><text x=${W} y=${height - 3} text-anchor="end">${this.xMax}</text>
    </svg>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'layer-heatmap': LayerHeatmap;
  }
}
