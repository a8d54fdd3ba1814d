// The inspected tokens in a row, to choose the query token: the one whose attention the views
// follow and the editor shows. Keyboard: one tab stop; arrow keys, Home and End move (roving
// tabindex); Enter or Space chooses, Escape clears.
import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { baseStyles } from '../../shared/theme.css';
import type { TokenView } from '../protocol';
import { t } from '../strings';
import { tokenLabel } from '../tokenLabel';
import { queryChange } from './exportable';

@customElement('token-strip')
export class TokenStrip extends LitElement {
  static override styles = [
    baseStyles,
    css`
      .strip {
        display: flex;
        flex-wrap: wrap;
        gap: 2px;
        max-height: 7.5em;
        overflow-y: auto;
        padding: 2px;
      }
      .token {
        border: 1px solid var(--vscode-editorWidget-border, transparent);
        border-radius: 2px;
        padding: 0 3px;
        cursor: pointer;
        white-space: pre;
      }
      .token[aria-selected='true'] {
        border-color: var(--vscode-charts-orange);
        color: var(--vscode-charts-orange);
        font-weight: bold;
      }
      .caption {
        margin: 2px 0;
      }
    `,
  ];

  @property({ attribute: false }) tokens: readonly TokenView[] = [];
  @property({ type: Number }) query = -1;
  @state() private focused = 0;

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('query') && this.query >= 0) this.focused = this.query;
    if (changed.has('tokens') && this.focused >= this.tokens.length) this.focused = 0;
  }

  override render() {
    const T = this.tokens.length;
    return html`<div class="caption muted" id="caption">${t('tokens')}</div>
      <div class="strip mono" role="listbox" aria-labelledby="caption" aria-orientation="horizontal" @keydown=${this.onKeyDown}>
        ${this.tokens.map(
          (token, i) => html`<span
            class="token"
            role="option"
            id="token-${i}"
            tabindex=${i === this.focused ? 0 : -1}
            aria-selected=${i === this.query ? 'true' : 'false'}
            aria-label=${t('tokenButton', i + 1, T, JSON.stringify(token.text), token.id)}
            @click=${() => this.choose(i === this.query ? -1 : i)}
            >${tokenLabel(token.text)}</span
          >`,
        )}
      </div>`;
  }

  private choose(index: number): void {
    if (index >= 0) this.focused = index;
    this.dispatchEvent(queryChange(index));
  }

  private onKeyDown(event: KeyboardEvent): void {
    const T = this.tokens.length;
    const moves: Record<string, number> = { ArrowRight: this.focused + 1, ArrowDown: this.focused + 1, ArrowLeft: this.focused - 1, ArrowUp: this.focused - 1, Home: 0, End: T - 1 };
    if (event.key in moves) {
      event.preventDefault();
      this.focused = Math.max(0, Math.min(T - 1, moves[event.key]));
      void this.updateComplete.then(() => (this.renderRoot.querySelector(`#token-${this.focused}`) as HTMLElement | null)?.focus());
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.choose(this.focused);
    } else if (event.key === 'Escape') {
      this.choose(-1);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'token-strip': TokenStrip;
  }
}
