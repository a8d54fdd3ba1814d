// Greedy, sampled and beam-search continuations of the same prompt side by side, each with its
// log-probability under the model (higher = the model finds it more likely) and an insert button.
import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { baseStyles } from '../../shared/theme.css';
import type { CompareView, ContinuationView, InsertSource, SamplerControls } from '../protocol';
import { t } from '../strings';
import { compareColumnsStyles } from './compare-columns.css';

@customElement('compare-columns')
export class CompareColumns extends LitElement {
  static override styles = [baseStyles, compareColumnsStyles];

  @property({ attribute: false }) view!: CompareView;
  @property({ attribute: false }) controls!: SamplerControls;

  override render() {
    const { view, controls } = this;
    return html`<div class="columns">
      ${this.column('greedy', t('greedy'), t('greedyHow'), view.greedy)}
      ${this.column('sampled', t('sampled'), t('sampledHow', controls.temperature, controls.topK, controls.topP, controls.minP, controls.seed), view.sampled)}
      ${this.column('beam', t('beam'), t('beamHow', view.settings.width, view.settings.lengthPenalty), view.beam)}
    </div>`;
  }

  private column(source: InsertSource, title: string, how: string, c: ContinuationView) {
    const perToken = c.tokens ? c.logprob / c.tokens : 0;
    return html`<article class="column" aria-label=${title} data-source=${source}>
      <h3>${title}</h3>
      <p class="muted how">${how}</p>
      <pre class="mono text">${c.text}</pre>
      <p class="score">${t('logprob', c.logprob.toFixed(2), c.tokens, perToken.toFixed(2))}</p>
      <vscode-button secondary ?disabled=${!c.tokens}
        @click=${() => this.dispatchEvent(new CustomEvent('insert', { detail: { source }, bubbles: true, composed: true }))}
        >${t('insert')}</vscode-button
      >
    </article>`;
  }
}
