// Byte-pair encoding of one word, step by step. Step 0 shows the word as single bytes; each
// next step applies the merge with the lowest rank among adjacent pairs, until none applies.
// Arrow keys, Home and End move through the steps; Play advances on its own.
import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { baseStyles } from '../../shared/theme.css';
import { t } from '../strings';
import type { BpeTrace } from '../protocol';
import { visibleText } from '../visibleText';
import { bpeViewStyles } from './bpe-view.css';

const PLAY_INTERVAL_MS = 700;

export type BpeWordEvent = CustomEvent<{ word: string }>;

@customElement('bpe-view')
export class BpeView extends LitElement {
  static override styles = [baseStyles, bpeViewStyles];

  @property() word = '';
  @property({ attribute: false }) trace: BpeTrace | undefined;
  @state() private step = 0;
  @state() private playing = false;
  private timer: ReturnType<typeof setInterval> | undefined;

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('trace')) {
      this.stop();
      this.step = 0;
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stop();
  }

  override render() {
    return html`
      <div class="word">
        <vscode-textfield
          id="word"
          aria-label=${t('bpeWord')}
          placeholder=${t('bpeWordPlaceholder')}
          .value=${this.word}
          @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && this.submit()}
        ></vscode-textfield>
        <vscode-button id="show-merges" @click=${this.submit}>${t('bpeShow')}</vscode-button>
      </div>
      <p class="muted">${t('bpeExplain')}</p>
      ${this.trace ? this.renderTrace(this.trace) : nothing}
    `;
  }

  private renderTrace(trace: BpeTrace) {
    const last = trace.steps.length;
    const current = this.step === 0 ? undefined : trace.steps[this.step - 1];
    const parts = current ? current.parts : trace.initial;
    const done = this.step === last;
    return html`
      <div class="player" role="group" aria-label=${t('bpeSteps')} tabindex="0" @keydown=${this.onKeyDown}>
        <vscode-button secondary aria-label=${t('bpeFirst')} title=${t('bpeFirst')} ?disabled=${this.step === 0} @click=${() => this.go(0)}>⏮</vscode-button>
        <vscode-button secondary aria-label=${t('bpePrevious')} title=${t('bpePrevious')} ?disabled=${this.step === 0} @click=${() => this.go(this.step - 1)}>◀</vscode-button>
        <vscode-button aria-label=${this.playing ? t('bpePause') : t('bpePlay')} @click=${this.togglePlay} ?disabled=${last === 0}>
          ${this.playing ? `⏸ ${t('bpePause')}` : `▶ ${t('bpePlay')}`}
        </vscode-button>
        <vscode-button secondary aria-label=${t('bpeNext')} title=${t('bpeNext')} ?disabled=${done} @click=${() => this.go(this.step + 1)}>▶</vscode-button>
        <vscode-button secondary aria-label=${t('bpeLast')} title=${t('bpeLast')} ?disabled=${done} @click=${() => this.go(last)}>⏭</vscode-button>
        <span class="position" aria-live="polite">${t('bpeStepOf', this.step, last)}</span>
      </div>
      <div class="parts" aria-label=${t('bpeParts')} data-step=${this.step}>
        ${parts.map(
          (p, i) => html`<span class="part ${current?.mergedAt === i ? 'merged' : ''}"
            >${visibleText(p)}${done ? html`<span class="id">${trace.ids[i]}</span>` : nothing}</span
          >`,
        )}
      </div>
      ${last === 0 ? html`<p class="muted">${t('bpeNoMerges')}</p>` : nothing}
      <ol aria-label=${t('bpeMerges')}>
        ${trace.steps.map(
          (s, i) => html`<li
            class=${i + 1 === this.step ? 'current' : i + 1 > this.step ? 'future' : ''}
            @click=${() => this.go(i + 1)}
          >
            ${visibleText(s.left)} + ${visibleText(s.right)} → ${visibleText(s.left + s.right)}
            <span class="rank">${t('bpeRank', s.rank)}</span>
          </li>`,
        )}
      </ol>
    `;
  }

  private submit(): void {
    const field = this.renderRoot.querySelector<HTMLInputElement>('#word');
    const word = field?.value ?? '';
    if (word) this.dispatchEvent(new CustomEvent('bpe-word', { detail: { word }, bubbles: true, composed: true }));
  }

  private go(step: number): void {
    const last = this.trace?.steps.length ?? 0;
    this.step = Math.max(0, Math.min(last, step));
    if (this.step === last) this.stop();
  }

  private togglePlay(): void {
    if (this.playing) return this.stop();
    if (this.step === (this.trace?.steps.length ?? 0)) this.step = 0;
    this.playing = true;
    this.timer = setInterval(() => this.go(this.step + 1), PLAY_INTERVAL_MS);
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.playing = false;
  }

  private onKeyDown(event: KeyboardEvent): void {
    const last = this.trace?.steps.length ?? 0;
    const targets: Record<string, number> = { ArrowRight: this.step + 1, ArrowLeft: this.step - 1, Home: 0, End: last };
    if (event.key in targets) {
      event.preventDefault();
      this.stop();
      this.go(targets[event.key]);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'bpe-view': BpeView;
  }
}
