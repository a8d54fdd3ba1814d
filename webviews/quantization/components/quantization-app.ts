// The quantization lab: one table of fp32, fp16, int8 and int4 measured in one run (size on disk,
// load time, prefill and decode speed, perplexity, top-1 agreement and KL against fp32), the text
// with the tokens whose top-1 prediction flipped under the chosen variant, and for every matrix the
// histogram of its quantization errors and the outlier weights that set its scales.
import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { PanelApp } from '../../shared/panelApp';
import type { KitNotification } from '../../shared/protocol';
import { baseStyles, panelLayoutStyles } from '../../shared/theme.css';
import { BLOCK_SIZES, type LabView, type QuantizationNotification, type QuantizationPanelState, type QuantizationRequest } from '../protocol';
import { t } from '../strings';
import { quantizationAppStyles } from './quantization-app.css';

type BlockSize = (typeof BLOCK_SIZES)[number];

const kB = (bytes: number) => `${(bytes / 1024).toFixed(0)} kB`;
/** The table's columns, by their string keys. */
const COLUMNS = ['variant', 'file', 'size', 'load', 'prefill', 'decode', 'perplexity', 'agreement', 'kl'] as const;

@customElement('quantization-app')
export class QuantizationApp extends PanelApp<QuantizationNotification, QuantizationRequest> {
  static override styles = [baseStyles, panelLayoutStyles, quantizationAppStyles];

  @state() private blockSize: BlockSize = 32;
  @state() private setup: { model: string; file: string } | undefined;
  @state() private result: LabView | undefined;
  /** Which variant's flips are highlighted in the text. */
  @state() private flipsOf: LabView['measurements'][number]['variant'] = 'q4';

  protected override restore(saved: QuantizationPanelState): void {
    this.blockSize = saved.blockSize;
  }

  protected override savedState(): QuantizationPanelState {
    return { blockSize: this.blockSize, matrix: 0 };
  }

  protected override receive(message: Exclude<QuantizationNotification, KitNotification>): void {
    if (message.type === 'setup') this.setup = message.payload;
    else {
      this.result = message.payload;
      this.error = '';
    }
  }

  override render() {
    return html`
      <p class="muted">${t('intro')}</p>
      <div class="row">
        <span>${t('model')} <strong>${this.setup?.model ?? ''}</strong></span>
        <span>${t('text')} <span class="mono">${this.setup?.file ?? ''}</span></span>
        <vscode-button secondary @click=${() => this.request({ type: 'chooseFile', payload: {} })}>${t('chooseFile')}</vscode-button>
      </div>
      <div class="row">
        <label>${t('blockSize')}
          <vscode-single-select aria-label=${t('blockSize')} @change=${(e: Event) => {
            this.blockSize = Number((e.target as HTMLSelectElement).value) as BlockSize;
            this.save();
          }}>
            ${BLOCK_SIZES.map((b) => html`<vscode-option value=${b} ?selected=${b === this.blockSize}>${b}</vscode-option>`)}
          </vscode-single-select>
        </label>
        <vscode-button ?disabled=${this.busy !== null} @click=${() => this.request({ type: 'run', payload: { blockSize: this.blockSize } })}>${t('run')}</vscode-button>
        ${this.busy ? html`<vscode-button secondary @click=${() => this.request({ type: 'cancel', payload: {} })}>${t('cancel')}</vscode-button><span role="status">${this.busy.message}</span>` : nothing}
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.result ? this.renderResult(this.result) : html`<p class="muted">${t('noResult')}</p>`}
    `;
  }

  private renderResult(r: LabView) {
    const flipped = new Set(r.measurements.find((m) => m.variant === this.flipsOf)?.flips ?? []);
    return html`
      <section>
        <p class="muted">${t('measuredOn', r.scoredTokens, r.file, r.window, r.blockSize)}</p>
        <div class="results-box"><table class="results" role="table">
          <thead><tr role="row">${COLUMNS.map((c) => html`<th role="columnheader">${t(c)}</th>`)}</tr></thead>
          <tbody>${r.measurements.map((m) => {
            const cells = [m.variant, m.file, kB(m.bytes), `${m.loadMs.toFixed(0)} ms`, m.prefillTokensPerSecond.toFixed(0), m.decodeTokensPerSecond.toFixed(0), m.perplexity.toFixed(3), `${(100 * m.top1Agreement).toFixed(2)}%`, m.meanKL.toExponential(2)];
            return html`<tr role="row">${cells.map((cell, i) => html`<td role="cell" data-label=${t(COLUMNS[i])} class=${COLUMNS[i] === 'file' ? 'mono' : ''}>${cell}</td>`)}</tr>`;
          })}</tbody>
        </table></div>
      </section>
      <section>
        <h2>${t('flipsTitle')}</h2>
        <div class="row">
          <label>${t('flipsOf')}
            <vscode-single-select aria-label=${t('flipsOf')} @change=${(e: Event) => (this.flipsOf = (e.target as HTMLSelectElement).value as typeof this.flipsOf)}>
              ${r.measurements.filter((m) => m.variant !== 'fp32').map((m) => html`<vscode-option value=${m.variant} ?selected=${m.variant === this.flipsOf}>${m.variant} (${m.flips.length})</vscode-option>`)}
            </vscode-single-select>
          </label>
        </div>
        <div class="text mono" aria-label=${t('flipsTitle')}>${r.pieces.map((piece, i) => (flipped.has(i) ? html`<mark title=${t('flipsTitle')}>${piece}</mark>` : piece))}</div>
        ${flipped.size === 0 ? html`<p class="muted">${t('flipsNone')}</p>` : nothing}
      </section>
      <section>
        <h2>${t('matricesTitle')}</h2>
        <div class="matrices">${r.matrices.map((m) => html`<div class="matrix">
          <h3 class="mono">${m.matrix} · ${m.scheme}</h3>
          <div class="muted">[${m.dims.join(' × ')}], ${t('scales')} ${m.scales}; ${t('maxError')} ${m.maxAbsError.toExponential(2)}, ${t('rmsError')} ${m.rmsError.toExponential(2)}</div>
          <error-histogram .counts=${m.histogram} label=${`${t('histogram')} ${m.matrix} ${m.scheme}`}></error-histogram>
          <div>${t('outliers')}</div>
          <ul>${m.outliers.map((o) => html`<li class="mono">${t('outlier', o.row, o.column, o.value.toFixed(4), o.scale.toExponential(2))}</li>`)}</ul>
        </div>`)}</div>
      </section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'quantization-app': QuantizationApp;
  }
}
