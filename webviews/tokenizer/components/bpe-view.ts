// Byte-pair encoding of one word, step by step. The pre-tokenizer first cuts the word into
// pieces (" tokenizer" stays one piece, "don't" becomes two); for the chosen piece, step 0
// shows its bytes and each next step applies the merge with the lowest rank among adjacent
// pairs, until none applies. Arrow keys, Home and End move through the steps; Play advances
// on its own.
import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { baseStyles } from '../../shared/theme.css';
import type { BpePartView, BpePieceTrace, BpeTrace } from '../protocol';
import { t } from '../strings';
import { visibleText } from '../visibleText';
import { bpeViewStyles } from './bpe-view.css';

const PLAY_INTERVAL_MS = 700;

export type BpeWordEvent = CustomEvent<{ word: string }>;

@customElement('bpe-view')
export class BpeView extends LitElement {
  static override styles = [baseStyles, bpeViewStyles];

  @property() word = '';
  @property({ attribute: false }) trace: BpeTrace | undefined;
  @state() private piece = 0;
  @state() private step = 0;
  @state() private playing = false;
  private timer: ReturnType<typeof setInterval> | undefined;

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('trace')) {
      this.stop();
      // A new word starts at its first piece; the same word again (another tokenizer) keeps the place.
      const previous = changed.get('trace') as BpeTrace | undefined;
      if (previous?.word !== this.trace?.word) this.piece = 0;
      this.piece = Math.min(this.piece, Math.max(0, (this.trace?.pieces.length ?? 1) - 1));
      this.step = 0;
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stop();
  }

  override render() {
    const trace = this.trace;
    const current = trace?.pieces[this.piece];
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
      ${trace?.error ? html`<div class="notice error" role="alert">${trace.error}</div>` : nothing}
      ${trace && trace.pieces.length > 1 ? this.renderPieces(trace.pieces) : nothing}
      ${current ? this.renderTrace(current) : nothing}
    `;
  }

  /** The pieces the pre-tokenizer made, as toggle buttons; the chosen one is traced below. */
  private renderPieces(pieces: readonly BpePieceTrace[]) {
    return html`<div class="pieces" role="group" aria-label=${t('bpePieces')}>
      <span class="muted">${t('bpePieces')}</span>
      ${pieces.map(
        (p, i) => html`<button
          class="piece ${i === this.piece ? 'chosen' : ''}"
          aria-pressed=${i === this.piece ? 'true' : 'false'}
          @click=${() => this.choosePiece(i)}
        >
          ${visibleText(p.piece)}
        </button>`,
      )}
    </div>`;
  }

  private renderTrace(trace: BpePieceTrace) {
    const last = trace.steps.length;
    const current = this.step === 0 ? undefined : trace.steps[this.step - 1];
    const done = this.step === last;
    const parts = done ? trace.result : current ? current.parts : trace.initial;
    return html`
      <div class="player" role="group" aria-label=${t('bpeSteps')} tabindex="0" @keydown=${this.onKeyDown}>
        <vscode-button secondary aria-label=${t('bpeFirst')} title=${t('bpeFirst')} ?disabled=${this.step === 0} @click=${() => this.go(0)}>|◀</vscode-button>
        <vscode-button secondary aria-label=${t('bpePrevious')} title=${t('bpePrevious')} ?disabled=${this.step === 0} @click=${() => this.go(this.step - 1)}>◀</vscode-button>
        <vscode-button id="play" @click=${this.togglePlay} ?disabled=${last === 0}>
          ${this.playing ? `❚❚ ${t('bpePause')}` : `▶ ${t('bpePlay')}`}
        </vscode-button>
        <vscode-button secondary id="next-step" aria-label=${t('bpeNext')} title=${t('bpeNext')} ?disabled=${done} @click=${() => this.go(this.step + 1)}>▶</vscode-button>
        <vscode-button secondary aria-label=${t('bpeLast')} title=${t('bpeLast')} ?disabled=${done} @click=${() => this.go(last)}>▶|</vscode-button>
        <span class="position" aria-live="polite">${t('bpeStepOf', this.step, last)}</span>
      </div>
      <div class="parts" aria-label=${t('bpeParts')} data-step=${this.step}>
        ${parts.map((p, i) => this.renderPart(p, !(done && trace.wholeInVocabulary) && current?.mergedAt === i))}
      </div>
      ${done ? html`<p class="muted">${trace.wholeInVocabulary ? t('bpeWholeWord') : t('bpeFinal')}</p>` : nothing}
      ${last === 0 ? html`<p class="muted">${t('bpeNoMerges')}</p>` : nothing}
      <ol aria-label=${t('bpeMerges')}>
        ${trace.steps.map(
          (s, i) => html`<li class=${i + 1 === this.step ? 'current' : i + 1 > this.step ? 'future' : ''} @click=${() => this.go(i + 1)}>
            ${visibleText(s.left)} + ${visibleText(s.right)} → ${visibleText(s.left + s.right)}
            <span class="rank">${t('bpeRank', s.rank)}</span>
          </li>`,
        )}
      </ol>
    `;
  }

  private renderPart(part: BpePartView, merged: boolean) {
    return html`<span class="part ${merged ? 'merged' : ''}" title=${part.id === undefined ? t('bpeNotInVocabulary') : t('tokenId', part.id)}
      >${visibleText(part.text)}<span class="id">${part.id ?? '–'}</span></span
    >`;
  }

  private submit(): void {
    const word = this.renderRoot.querySelector<HTMLInputElement>('#word')?.value ?? '';
    if (word) this.dispatchEvent(new CustomEvent('bpe-word', { detail: { word }, bubbles: true, composed: true }));
  }

  private choosePiece(index: number): void {
    this.stop();
    this.piece = index;
    this.step = 0;
  }

  private steps(): number {
    return this.trace?.pieces[this.piece]?.steps.length ?? 0;
  }

  private go(step: number): void {
    this.step = Math.max(0, Math.min(this.steps(), step));
    if (this.step === this.steps()) this.stop();
  }

  private togglePlay(): void {
    if (this.playing) return this.stop();
    if (this.step === this.steps()) this.step = 0;
    this.playing = true;
    this.timer = setInterval(() => this.go(this.step + 1), PLAY_INTERVAL_MS);
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.playing = false;
  }

  private onKeyDown(event: KeyboardEvent): void {
    const targets: Record<string, number> = { ArrowRight: this.step + 1, ArrowLeft: this.step - 1, Home: 0, End: this.steps() };
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
