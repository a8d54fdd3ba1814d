// A histogram of one matrix's quantization errors ŵ − w: equal bins from −max to +max error, bar
// heights in proportion to the count. An SVG, so it scales and follows the theme's colours.
import { LitElement, css, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';

const WIDTH = 220;
const HEIGHT = 60;

@customElement('error-histogram')
export class ErrorHistogram extends LitElement {
  static override styles = css`
    svg { display: block; }
    rect { fill: var(--vscode-charts-blue); }
    line { stroke: var(--vscode-descriptionForeground); stroke-width: 1; }
  `;

  @property({ attribute: false }) counts: readonly number[] = [];
  @property() label = '';

  override render() {
    const max = Math.max(1, ...this.counts);
    const bar = WIDTH / Math.max(1, this.counts.length);
    return svg`<svg width=${WIDTH} height=${HEIGHT} viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label=${this.label}>
      ${this.counts.map((c, i) => {
        const h = (HEIGHT - 2) * (c / max);
        return svg`<rect x=${i * bar + 1} y=${HEIGHT - 1 - h} width=${Math.max(1, bar - 2)} height=${h}><title>${c}</title></rect>`;
      })}
      <line x1=${WIDTH / 2} x2=${WIDTH / 2} y1="0" y2=${HEIGHT}></line>
    </svg>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'error-histogram': ErrorHistogram;
  }
}
