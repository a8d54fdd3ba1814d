// The Plot Forgetting panel: the active model fine-tuned on a new domain, once without replay and
// once with a share ρ of each batch drawn from old-domain text; validation loss on the old domain
// (forgetting) and on the new one (learning) against steps, drawn as the run measures them. With no
// run of the user's own, it shows the result shipped with the walkthrough and says so.
import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { PanelApp } from '../../shared/panelApp';
import type { KitNotification } from '../../shared/protocol';
import { baseStyles, panelLayoutStyles } from '../../shared/theme.css';
import { MAX_REPLAY_RATIO, MAX_STEPS, MIN_STEPS, type ForgettingNotification, type ForgettingPanelState, type ForgettingRequest, type ForgettingSetup, type ForgettingView } from '../protocol';
import { curveSeries, forgetting } from '../series';
import { t } from '../strings';
import { forgettingAppStyles } from './forgetting-app.css';

const DEFAULTS: ForgettingPanelState = { replayRatio: 0.25, steps: 150 };

@customElement('forgetting-app')
export class ForgettingApp extends PanelApp<ForgettingNotification, ForgettingRequest> {
  static override styles = [baseStyles, panelLayoutStyles, forgettingAppStyles];

  @state() private settings: ForgettingPanelState = DEFAULTS;
  @state() private setup: ForgettingSetup | undefined;
  @state() private view: ForgettingView | undefined;

  protected override restore(saved: ForgettingPanelState): void {
    this.settings = saved;
  }

  protected override savedState(): ForgettingPanelState {
    return this.settings;
  }

  protected override receive(message: Exclude<ForgettingNotification, KitNotification>): void {
    if (message.type === 'setup') this.setup = message.payload;
    else {
      this.view = message.payload;
      this.error = '';
    }
  }

  /** A number field; values outside [min, max] (or not whole, when `whole`) are ignored. */
  private numberField(label: string, key: keyof ForgettingPanelState, min: number, max: number, step: number) {
    return html`<label>${label}
      <vscode-textfield type="number" min=${min} max=${max} step=${step} aria-label=${label} .value=${String(this.settings[key])}
        @change=${(e: Event) => {
          const n = Number((e.target as HTMLInputElement).value);
          if (n >= min && n <= max && (key !== 'steps' || Number.isInteger(n))) {
            this.settings = { ...this.settings, [key]: n };
            this.save();
          }
        }}></vscode-textfield>
    </label>`;
  }

  override render() {
    const s = this.setup;
    const file = (name: string | undefined) => (name ? html`<span class="mono">${name}</span>` : html`<span class="error">${t('missing')}</span>`);
    return html`
      <p class="muted">${t('intro')}</p>
      <div class="row"><span>${t('model')} <strong>${s?.model ?? ''}</strong></span></div>
      <div class="row">
        <span>${t('newData')} ${file(s?.newData)}</span>
        <vscode-button secondary ?disabled=${this.busy !== null} @click=${() => this.request({ type: 'chooseNewData', payload: {} })}>${t('chooseNewData')}</vscode-button>
      </div>
      <div class="row">
        <span>${t('oldValidation')} ${file(s?.oldValidation)}</span>
        <vscode-button secondary ?disabled=${this.busy !== null} @click=${() => this.request({ type: 'chooseOldValidation', payload: {} })}>${t('chooseOldValidation')}</vscode-button>
        <span>${t('replayData')} ${file(s?.replayData)}</span>
      </div>
      <div class="row">
        ${this.numberField(t('replayRatio'), 'replayRatio', 0, MAX_REPLAY_RATIO, 0.05)}
        ${this.numberField(t('steps'), 'steps', MIN_STEPS, MAX_STEPS, 10)}
        <vscode-button class="run" ?disabled=${this.busy !== null || !s?.newData || !s?.oldValidation}
          @click=${() => this.request({ type: 'run', payload: this.settings })}>${t('run')}</vscode-button>
        ${this.busy ? html`<vscode-button secondary @click=${() => this.request({ type: 'cancel', payload: {} })}>${t('cancel')}</vscode-button><span role="status">${this.busy.message}</span>` : nothing}
      </div>
      <p class="muted">${t('replayHint')}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.view ? this.renderView(this.view) : nothing}
    `;
  }

  private renderView(v: ForgettingView) {
    const label = (ratio: number) => (ratio === 0 ? t('withoutReplay') : t('withReplay', ratio));
    const source = t(v.source, v.model, v.newData, v.oldValidation);
    const last = (domain: 'old' | 'new') => v.curves.map((c) => `${label(c.replayRatio)}: ${(domain === 'old' ? c.points.at(-1)?.oldLoss : c.points.at(-1)?.newLoss)?.toFixed(3) ?? '—'}`).join('; ');
    return html`<section class="result">
      <p class="notice source" role="status">${source}${v.cancelled ? ` ${t('cancelled')}` : ''}</p>
      <div class="charts">
        <div>
          <h2>${t('oldTitle')}</h2>
          <line-chart id="old" .series=${curveSeries(v.curves, 'old', label)} .xMax=${v.steps} yLabel=${t('loss')} summary=${t('oldSummary', last('old'))}></line-chart>
        </div>
        <div>
          <h2>${t('newTitle')}</h2>
          <line-chart id="new" .series=${curveSeries(v.curves, 'new', label)} .xMax=${v.steps} yLabel=${t('loss')} summary=${t('newSummary', last('new'))}></line-chart>
        </div>
      </div>
      <table>
        <thead><tr><th>${t('tableRatio')}</th><th>${t('tableStep')}</th><th>${t('tableOld')}</th><th>${t('tableNew')}</th><th>${t('forgot')}</th></tr></thead>
        <tbody>${v.curves.map((c) => {
          const end = c.points.at(-1);
          const rise = forgetting(c);
          return html`<tr><td>${label(c.replayRatio)}</td><td>${end?.step ?? '—'}</td><td>${end?.oldLoss.toFixed(3) ?? '—'}</td><td>${end?.newLoss.toFixed(3) ?? '—'}</td>
            <td>${rise === undefined ? '—' : `${rise >= 0 ? '+' : ''}${rise.toFixed(3)}`}</td></tr>`;
        })}</tbody>
      </table>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'forgetting-app': ForgettingApp;
  }
}
