// The KV cache as generation goes on. Left: the bytes it holds after the prefill and after each
// token — a straight line, since every token adds the same 2 · layers · width values. Right: time
// of the prefill (the whole prompt in one call) beside the time of each later token (one token
// through the model, reading the cache instead of recomputing the prompt).
import { LitElement, html, nothing, svg } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { baseStyles } from '../../shared/theme.css';
import { bytes, ms } from '../format';
import type { CachePoint } from '../protocol';
import { t } from '../strings';
import { cacheChartStyles } from './cache-chart.css';
import { WidthController } from './width-controller';

const HEIGHT = 240;
const GAP = 60;
const LEFT = 56;
const TOP = 50;
const BOTTOM = 36;

@customElement('cache-chart')
export class CacheChart extends LitElement {
  static override styles = [baseStyles, cacheChartStyles];

  @property({ attribute: false }) points: readonly CachePoint[] = [];
  @query('svg') private drawing!: SVGSVGElement;
  private readonly size = new WidthController(this, 480);

  get image(): SVGSVGElement {
    return this.drawing;
  }

  override render() {
    const points = this.points;
    if (!points.length) return nothing;
    const WIDTH = this.size.width;
    const last = points[points.length - 1];
    const perToken = last.tokens ? last.bytes / last.tokens : 0;
    const steps = points.slice(1);
    const meanMs = steps.length ? steps.reduce((s, p) => s + p.ms, 0) / steps.length : 0;
    return html`<p class="summary">
        ${t('cacheSummary', bytes(perToken), last.tokens, bytes(last.bytes))}
        ${steps.length ? t('latencySummary', ms(points[0].ms), points[0].tokens, ms(meanMs)) : t('latencyPrefillOnly', ms(points[0].ms), points[0].tokens)}
      </p>
      <svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width=${WIDTH} height=${HEIGHT} role="img" aria-label=${t('cacheChartLabel')}>
        ${this.memoryPanel(points, WIDTH)} ${this.latencyPanel(points, WIDTH)}
      </svg>`;
  }

  /** Each of the two charts gets half the width, less the margins. */
  private panelWidth(width: number): number {
    return (width - LEFT - GAP - LEFT / 2) / 2;
  }

  private memoryPanel(points: readonly CachePoint[], WIDTH: number) {
    const PANEL = this.panelWidth(WIDTH);
    const x0 = LEFT;
    const plotH = HEIGHT - TOP - BOTTOM;
    const maxTokens = Math.max(1, ...points.map((p) => p.tokens));
    const maxBytes = Math.max(1, ...points.map((p) => p.bytes));
    const x = (tokens: number) => x0 + (tokens / maxTokens) * PANEL;
    const y = (b: number) => TOP + plotH - (b / maxBytes) * plotH;
    const path = [`M ${x(0)} ${y(0)}`, ...points.map((p) => `L ${x(p.tokens)} ${y(p.bytes)}`)].join(' ');
    return svg`<g>
      <text class="title" x=${x0} y="16">${t('cacheMemoryTitle')}</text>
      <line class="axis" x1=${x0} x2=${x0 + PANEL} y1=${TOP + plotH} y2=${TOP + plotH}></line>
      <line class="axis" x1=${x0} x2=${x0} y1=${TOP} y2=${TOP + plotH}></line>
      <text class="tick end" x=${x0 - 4} y=${TOP}>${bytes(maxBytes)}</text>
      <text class="tick end" x=${x0 - 4} y=${TOP + plotH}>0</text>
      <text class="tick" x=${x0 + PANEL} y=${TOP + plotH + 12} text-anchor="end">${maxTokens}</text>
      <text class="tick" x=${x0 + PANEL / 2} y=${TOP + plotH + 26} text-anchor="middle">${t('cacheTokensAxis')}</text>
      <path class="memory" d=${path}></path>
      <circle class="prefill-dot" cx=${x(points[0].tokens)} cy=${y(points[0].bytes)} r="4"></circle>
      ${points.slice(1).map((p) => svg`<circle class="token-dot" cx=${x(p.tokens)} cy=${y(p.bytes)} r="2.5"></circle>`)}
    </g>`;
  }

  private latencyPanel(points: readonly CachePoint[], WIDTH: number) {
    const x0 = LEFT + this.panelWidth(WIDTH) + GAP;
    const width = WIDTH - x0 - 8;
    const plotH = HEIGHT - TOP - BOTTOM;
    const maxMs = Math.max(1e-3, ...points.map((p) => p.ms));
    const slot = width / Math.max(points.length, 8);
    const barW = Math.max(1, slot * 0.8);
    const y = (value: number) => TOP + plotH - (value / maxMs) * plotH;
    return svg`<g>
      <text class="title" x=${x0} y="16">${t('latencyTitle')}</text>
      <line class="axis" x1=${x0} x2=${x0 + width} y1=${TOP + plotH} y2=${TOP + plotH}></line>
      <line class="axis" x1=${x0} x2=${x0} y1=${TOP} y2=${TOP + plotH}></line>
      <text class="tick end" x=${x0 - 4} y=${TOP}>${ms(maxMs)}</text>
      <text class="tick end" x=${x0 - 4} y=${TOP + plotH}>0</text>
      <text class="tick" x=${x0 + width / 2} y=${TOP + plotH + 14} text-anchor="middle">${t('latencyAxis')}</text>
      ${points.map((p, i) => {
        const cls = i === 0 ? 'prefill' : 'token';
        return svg`<rect class=${cls} x=${x0 + i * slot + (slot - barW) / 2} y=${y(p.ms)} width=${barW} height=${TOP + plotH - y(p.ms)}>
          <title>${i === 0 ? t('latencyPrefillBar', ms(p.ms), p.tokens) : t('latencyTokenBar', p.index + 1, ms(p.ms))}</title>
        </rect>`;
      })}
      <rect class="prefill" x=${x0} y="28" width="10" height="10"></rect>
      <text class="tick" x=${x0 + 14} y="33">${t('legendPrefill')}</text>
      <rect class="token" x=${x0 + 70} y="28" width="10" height="10"></rect>
      <text class="tick" x=${x0 + 84} y="33">${t('legendToken')}</text>
    </g>`;
  }
}
