// The tokens of a text as chips: text (whitespace made visible), ID and UTF-8 bytes.
// Keyboard: the list is one tab stop; arrow keys, Home and End move between chips (roving
// tabindex); Enter or Space opens the chip's word in the BPE view. Hover and focus report the
// chip so the host can highlight its range in the editor.
import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { baseStyles } from '../../shared/theme.css';
import { t } from '../strings';
import type { TokenChip } from '../protocol';
import { isPartialCharacter, partialLabel, visibleText } from '../visibleText';
import { tokenChipsStyles } from './token-chips.css';

/** How many chips are drawn at first and added by each "Show more". */
const PAGE = 400;

export type TokenHoverEvent = CustomEvent<{ index: number | null }>;
export type TokenOpenEvent = CustomEvent<{ index: number }>;

@customElement('token-chips')
export class TokenChips extends LitElement {
  static override styles = [baseStyles, tokenChipsStyles];

  @property({ attribute: false }) chips: readonly TokenChip[] = [];
  /** The number of tokens in the whole text (may be more than the chips sent). */
  @property({ type: Number }) total = 0;
  @state() private shown = PAGE;
  @state() private focused = 0;

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('chips')) {
      this.shown = PAGE;
      this.focused = 0;
    }
  }

  override render() {
    const visible = this.chips.slice(0, this.shown);
    return html`
      <div class="chips" role="listbox" aria-label=${t('tokensList')} aria-orientation="horizontal" @keydown=${this.onKeyDown}>
        ${visible.map((chip, i) => this.renderChip(chip, i))}
      </div>
      ${this.renderMore(visible.length)}
    `;
  }

  private renderChip(chip: TokenChip, i: number) {
    const partial = isPartialCharacter(chip.text);
    const text = partial ? partialLabel(chip.hex) : visibleText(chip.text);
    const label = t('tokenChipLabel', i + 1, this.total, JSON.stringify(chip.text), chip.id, chip.hex);
    return html`<div
      class="chip ${chip.special ? 'special' : ''} ${i === this.focused ? 'current' : ''}"
      role="option"
      id="chip-${i}"
      data-index=${i}
      data-id=${chip.id}
      tabindex=${i === this.focused ? 0 : -1}
      aria-selected=${i === this.focused ? 'true' : 'false'}
      aria-label=${label}
      title=${partial ? t('partialCharacter') : ''}
      @mouseenter=${() => this.hover(i)}
      @mouseleave=${() => this.hover(null)}
      @focus=${() => this.hover(i)}
      @blur=${() => this.hover(null)}
      @click=${() => this.open(i)}
    >
      <span class="text ${partial ? 'partial' : ''}">${this.renderText(text)}</span>
      <span class="id">${chip.id}</span>
      <span class="hex">${chip.hex}</span>
    </div>`;
  }

  /** The visible-whitespace symbols are dimmed so the token's letters stand out. */
  private renderText(text: string) {
    return [...text].map((ch) => ('·→↵␍'.includes(ch) ? html`<span class="ws">${ch}</span>` : ch));
  }

  private renderMore(visible: number) {
    const sent = this.chips.length;
    if (visible >= this.total) return nothing;
    return html`<div class="more">
      <span class="muted">${t('showingTokens', visible, this.total)}</span>
      ${visible < sent
        ? html`<vscode-button secondary @click=${() => (this.shown += PAGE)}>${t('showMore')}</vscode-button>`
        : nothing}
    </div>`;
  }

  private hover(index: number | null): void {
    this.dispatchEvent(new CustomEvent('token-hover', { detail: { index }, bubbles: true, composed: true }));
  }

  private open(index: number): void {
    this.focused = index;
    this.dispatchEvent(new CustomEvent('token-open', { detail: { index }, bubbles: true, composed: true }));
  }

  private onKeyDown(event: KeyboardEvent): void {
    const last = Math.min(this.shown, this.chips.length) - 1;
    const moves: Record<string, number> = {
      ArrowRight: this.focused + 1,
      ArrowDown: this.focused + 1,
      ArrowLeft: this.focused - 1,
      ArrowUp: this.focused - 1,
      Home: 0,
      End: last,
    };
    if (event.key in moves) {
      event.preventDefault();
      void this.focusChip(Math.max(0, Math.min(last, moves[event.key])));
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.open(this.focused);
    }
  }

  private async focusChip(index: number): Promise<void> {
    this.focused = index;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`#chip-${index}`)?.focus();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'token-chips': TokenChips;
  }
}
