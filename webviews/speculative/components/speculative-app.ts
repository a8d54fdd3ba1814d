// The Speculative Decoding panel: the active model is the target, a small model of the same
// tokenizer the draft (picked, or trained here in a minute or two). One run shows the output round
// by round, coloured by where each token came from, the acceptance rate, tokens per target call,
// and the speed-up against the target's plain greedy decoding timed in the same run.
import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { PanelApp } from '../../shared/panelApp';
import type { KitNotification } from '../../shared/protocol';
import { baseStyles, panelLayoutStyles } from '../../shared/theme.css';
import {
  MAX_DRAFT_TOKENS,
  MAX_NEW_TOKENS,
  type SpeculativeNotification,
  type SpeculativePanelState,
  type SpeculativeRequest,
  type SpeculativeSetup,
  type SpeculativeView,
} from '../protocol';
import { speculativeSpans, type SpanKind } from '../spans';
import { t } from '../strings';
import { speculativeAppStyles } from './speculative-app.css';

const DEFAULTS: SpeculativePanelState = { prompt: 'Once upon a time', maxNewTokens: 60, draftTokens: 4 };
const KINDS: readonly SpanKind[] = ['accepted', 'corrected', 'bonus', 'rejected'];

@customElement('speculative-app')
export class SpeculativeApp extends PanelApp<SpeculativeNotification, SpeculativeRequest> {
  static override styles = [baseStyles, panelLayoutStyles, speculativeAppStyles];

  @state() private settings: SpeculativePanelState = DEFAULTS;
  @state() private setup: SpeculativeSetup | undefined;
  @state() private result: SpeculativeView | undefined;

  protected override restore(saved: SpeculativePanelState): void {
    this.settings = saved;
  }

  protected override savedState(): SpeculativePanelState {
    return this.settings;
  }

  protected override receive(message: Exclude<SpeculativeNotification, KitNotification>): void {
    if (message.type === 'setup') this.setup = message.payload;
    else {
      this.result = message.payload;
      this.error = '';
    }
  }

  private set(change: Partial<SpeculativePanelState>): void {
    this.settings = { ...this.settings, ...change };
    this.save();
  }

  /** A whole number field; values outside [1, max] are ignored. */
  private numberField(label: string, key: 'maxNewTokens' | 'draftTokens', max: number) {
    return html`<label>${label}
      <vscode-textfield type="number" min="1" max=${max} aria-label=${label} .value=${String(this.settings[key])}
        @change=${(e: Event) => {
          const n = Math.round(Number((e.target as HTMLInputElement).value));
          if (n >= 1 && n <= max) this.set({ [key]: n });
        }}></vscode-textfield>
    </label>`;
  }

  override render() {
    const setup = this.setup;
    const origin = setup?.draftOrigin === 'trained' ? t('draftTrained') : setup?.draftOrigin === 'chosen' ? t('draftChosen') : '';
    return html`
      <p class="muted">${t('intro')}</p>
      <div class="row">
        <span>${t('target')} <strong>${setup?.target ?? ''}</strong></span>
        <span>${t('draft')} <strong class="draft-name">${setup?.draft || t('noDraft')}</strong> <span class="muted">${origin}</span></span>
      </div>
      <div class="row">
        <vscode-button secondary ?disabled=${this.busy !== null} @click=${() => this.request({ type: 'chooseDraft', payload: {} })}>${t('chooseDraft')}</vscode-button>
        <vscode-button secondary ?disabled=${this.busy !== null} @click=${() => this.request({ type: 'trainDraft', payload: {} })}>${t('trainDraft')}</vscode-button>
        <span class="muted">${t('trainDraftHint')}</span>
      </div>
      <vscode-textarea rows="2" aria-label=${t('prompt')} placeholder=${t('prompt')} .value=${this.settings.prompt}
        @input=${(e: Event) => this.set({ prompt: (e.target as HTMLTextAreaElement).value })}></vscode-textarea>
      <div class="row">
        ${this.numberField(t('maxNewTokens'), 'maxNewTokens', MAX_NEW_TOKENS)}
        ${this.numberField(t('draftTokens'), 'draftTokens', MAX_DRAFT_TOKENS)}
        <vscode-button class="run" ?disabled=${this.busy !== null || !setup?.draft || !this.settings.prompt.trim()}
          @click=${() => this.request({ type: 'run', payload: this.settings })}>${t('run')}</vscode-button>
        ${this.busy ? html`<vscode-button secondary @click=${() => this.request({ type: 'cancel', payload: {} })}>${t('cancel')}</vscode-button><span role="status">${this.busy.message}</span>` : nothing}
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.result ? this.renderResult(this.result) : html`<p class="muted">${t('noResult')}</p>`}
    `;
  }

  private renderResult(r: SpeculativeView) {
    const spans = speculativeSpans(r.rounds, r.tokens);
    return html`
      <section class="result">
        <p class="verdict" role="status">${r.matchesGreedy ? t('matches', r.target) : t('differs', r.target)}</p>
        <dl>
          <dt>${t('acceptance')}</dt><dd class="acceptance">${(100 * r.acceptanceRate).toFixed(1)}% (${r.acceptedTokens}/${r.proposedTokens}, k = ${r.draftTokens})</dd>
          <dt>${t('perTargetCall')}</dt><dd>${(r.tokens / r.targetCalls).toFixed(2)}</dd>
          <dt>${t('calls')}</dt><dd>${r.targetCalls} / ${r.draftCalls}</dd>
          <dt>${t('greedyTime')}</dt><dd>${r.greedyMs.toFixed(0)} ms</dd>
          <dt>${t('speculativeTime')}</dt><dd>${r.speculativeMs.toFixed(0)} ms</dd>
          <dt>${t('speedup')}</dt><dd class="speedup">×${r.speedup.toFixed(2)}</dd>
        </dl>
        <p class="muted">${t('timingNote', r.tokens, r.draft, r.target)}</p>
        <h2>${t('output')}</h2>
        <div class="legend" aria-hidden="true">${KINDS.map((k) => html`<span class="span ${k}">${t(k)}</span>`)}</div>
        <div class="text mono" role="document" aria-label=${t('output')}>${r.prompt}${spans.map(
          // A rejected line break is drawn as ↵: it never became part of the text.
          (s) => html`<span class="span ${s.kind}" title=${`${t(s.kind)} · ${t('roundTitle', s.round)}`}>${s.kind === 'rejected' ? s.text.replaceAll('\n', '↵') : s.text}</span>`,
        )}</div>
      </section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'speculative-app': SpeculativeApp;
  }
}
