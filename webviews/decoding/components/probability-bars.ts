// The next-token distribution as horizontal bars, one row per candidate, with what the sampler
// did to each: the model's own probability (dashed outline), after temperature (pale bar), and
// after the filters, renormalised over the survivors (solid bar) — or struck through and labelled
// with the filter that cut it. Rows are options of a listbox: arrows move, Enter or a click picks
// that token as the next one.
import { LitElement, html, nothing, svg } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { baseStyles } from '../../shared/theme.css';
import type { CandidateView, FilterName } from '../protocol';
import { t } from '../strings';
import { percent } from '../format';
import { probabilityBarsStyles } from './probability-bars.css';
import { WidthController } from './width-controller';

export type PickEvent = CustomEvent<{ token: number }>;

const ROW = 22;
const LABEL = 120;
const VALUE = 150;
const TOP_ONE_ROW = 26;
const TOP_TWO_ROWS = 44;
/** Below this width the legend takes two rows. */
const WIDE = 700;

function filterName(name: FilterName): string {
  return t(name === 'top-k' ? 'filterTopK' : name === 'top-p' ? 'filterTopP' : name === 'min-p' ? 'filterMinP' : 'filterGreedy');
}

@customElement('probability-bars')
export class ProbabilityBars extends LitElement {
  static override styles = [baseStyles, probabilityBarsStyles];

  @property({ attribute: false }) candidates: readonly CandidateView[] = [];
  @property({ type: Boolean }) disabled = false;
  @state() private focusIndex = 0;
  @query('svg') private drawing!: SVGSVGElement;
  private readonly size = new WidthController(this, 420);

  /** The drawing, for export. */
  get image(): SVGSVGElement {
    return this.drawing;
  }

  override render() {
    const rows = this.candidates;
    const WIDTH = this.size.width;
    const TOP = WIDTH >= WIDE ? TOP_ONE_ROW : TOP_TWO_ROWS;
    const height = TOP + rows.length * ROW + 6;
    const largest = Math.max(1e-9, ...rows.flatMap((c) => [c.model, c.tempered, c.final]));
    const x = (p: number) => LABEL + (p / largest) * (WIDTH - LABEL - VALUE);
    const focus = Math.min(this.focusIndex, Math.max(0, rows.length - 1));
    return html`<svg
      viewBox="0 0 ${WIDTH} ${height}"
      width=${WIDTH}
      height=${height}
      role="listbox"
      aria-label=${t('barsLabel')}
      aria-disabled=${this.disabled ? 'true' : 'false'}
      aria-activedescendant=${rows.length ? `row-${focus}` : nothing}
      tabindex="0"
      @keydown=${this.onKey}
    >
      ${this.legend(WIDTH >= WIDE)}
      ${rows.map((c, i) => {
        const y = TOP + i * ROW;
        const cut = c.cutBy !== null;
        const value = cut ? t('cutBy', filterName(c.cutBy as FilterName)) : `${percent(c.final)}  (${percent(c.model)})`;
        return svg`<g
          id="row-${i}"
          class="row ${cut ? 'cut' : 'kept'} ${i === focus ? 'focused' : ''}"
          role="option"
          aria-selected=${i === focus ? 'true' : 'false'}
          aria-label=${t('barLabel', c.label, percent(c.model), percent(c.tempered), cut ? t('cutBy', filterName(c.cutBy as FilterName)) : percent(c.final))}
          data-token=${c.token}
          @click=${() => this.pick(i)}
        >
          <rect class="hit" x="0" y=${y} width=${WIDTH} height=${ROW}></rect>
          <text class="label mono" x=${LABEL - 8} y=${y + ROW / 2}>${c.label}</text>
          <rect class="tempered" x=${LABEL} y=${y + 4} width=${Math.max(0, x(c.tempered) - LABEL)} height=${ROW - 8}></rect>
          ${cut ? nothing : svg`<rect class="final" x=${LABEL} y=${y + 7} width=${Math.max(0, x(c.final) - LABEL)} height=${ROW - 14}></rect>`}
          <rect class="model" x=${LABEL} y=${y + 3} width=${Math.max(0, x(c.model) - LABEL)} height=${ROW - 6}></rect>
          ${cut ? svg`<line class="strike" x1=${LABEL} x2=${x(c.tempered)} y1=${y + ROW / 2} y2=${y + ROW / 2}></line>` : nothing}
          <text class="value" x=${WIDTH - VALUE + 8} y=${y + ROW / 2}>${value}</text>
        </g>`;
      })}
    </svg>`;
  }

  private legend(oneRow: boolean) {
    const items: [string, string][] = [
      ['model', t('legendModel')],
      ['tempered', t('legendTempered')],
      ['final', t('legendFinal')],
      ['strike', t('legendCut')],
    ];
    return svg`<g class="legend">${items.map(([kind, text], i) => {
      const x = 8 + (oneRow ? i : i % 2) * 175;
      const y = 11 + (oneRow ? 0 : Math.floor(i / 2) * 18);
      return svg`${
        kind === 'strike'
          ? svg`<line class="strike" x1=${x} x2=${x + 18} y1=${y} y2=${y}></line>`
          : svg`<rect class=${kind} x=${x} y=${kind === 'final' ? y - 4 : y - 7} width="18" height=${kind === 'final' ? 8 : 14}></rect>`
      }<text class="legend-text" x=${x + 24} y=${y}>${text}</text>`;
    })}</g>`;
  }

  private onKey(event: KeyboardEvent): void {
    const last = this.candidates.length - 1;
    if (last < 0) return;
    const moves: Record<string, number> = { ArrowDown: this.focusIndex + 1, ArrowUp: this.focusIndex - 1, Home: 0, End: last };
    if (event.key in moves) {
      this.focusIndex = Math.max(0, Math.min(last, moves[event.key]));
      event.preventDefault();
    } else if (event.key === 'Enter' || event.key === ' ') {
      this.pick(this.focusIndex);
      event.preventDefault();
    }
  }

  private pick(index: number): void {
    this.focusIndex = index;
    const candidate = this.candidates[index];
    if (!candidate || this.disabled) return;
    this.dispatchEvent(new CustomEvent('pick', { detail: { token: candidate.token }, bubbles: true, composed: true }) as PickEvent);
  }
}
