// The same text under several tokenizers side by side: a summary table (tokens, characters per
// token, a bar relative to the longest) and one column per tokenizer with its tokens drawn as
// alternating spans, so where each one cuts the text can be compared by eye.
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { baseStyles } from '../../shared/theme.css';
import { t } from '../strings';
import type { CompareColumn, TokenizerOption } from '../protocol';
import { isPartialCharacter, partialLabel, visibleText } from '../visibleText';
import { compareViewStyles } from './compare-view.css';
import { charsPerToken } from './token-stats';

export type CompareChangeEvent = CustomEvent<{ ids: string[] }>;

@customElement('compare-view')
export class CompareView extends LitElement {
  static override styles = [baseStyles, compareViewStyles];

  @property({ attribute: false }) options: readonly TokenizerOption[] = [];
  @property({ attribute: false }) selected: readonly string[] = [];
  @property({ attribute: false }) columns: readonly CompareColumn[] = [];
  @property({ type: Boolean }) hasText = false;

  override render() {
    return html`
      <fieldset>
        <legend>${t('compareChoose')}</legend>
        ${this.options.map(
          (o) => html`<vscode-checkbox
            data-tokenizer=${o.id}
            .checked=${this.selected.includes(o.id)}
            label=${o.label}
            title=${o.detail}
            @change=${(e: Event) => this.toggle(o.id, (e.target as HTMLInputElement).checked)}
          ></vscode-checkbox>`,
        )}
      </fieldset>
      ${this.hasText ? this.renderResults() : html`<p class="muted">${t('noTextYet')}</p>`}
    `;
  }

  private renderResults() {
    const most = Math.max(1, ...this.columns.map((c) => c.counts?.tokens ?? 0));
    return html`
      <table aria-label=${t('compareTable')}>
        <thead>
          <tr><th>${t('tokenizer')}</th><th>${t('countTokens')}</th><th>${t('countCharsPerToken')}</th><th></th></tr>
        </thead>
        <tbody>
          ${this.columns.map(
            (c) => html`<tr data-tokenizer=${c.tokenizer}>
              <td>${c.label}</td>
              ${c.counts
                ? html`<td class="num">${c.counts.tokens.toLocaleString()}</td>
                    <td class="num">${charsPerToken(c.counts)}</td>
                    <td><span class="bar" style="width:${(120 * c.counts.tokens) / most}px"></span></td>`
                : html`<td colspan="3" class="error">${c.error}</td>`}
            </tr>`,
          )}
        </tbody>
      </table>
      <div class="columns">${this.columns.map((c) => this.renderColumn(c))}</div>
    `;
  }

  private renderColumn(c: CompareColumn) {
    const pieces = c.pieces ?? [];
    const more = (c.counts?.tokens ?? 0) - pieces.length;
    return html`<section class="column" aria-label=${c.label}>
      <h3>${c.label}</h3>
      <div class="pieces">${pieces.map((p) => this.renderPiece(p))}</div>
      ${more > 0 ? html`<p class="muted">${t('moreTokens', more)}</p>` : nothing}
    </section>`;
  }

  /**
   * Each token is one unbreakable box, so lines wrap only between tokens; a token that holds a
   * newline ends its line. A token with only part of a character shows its bytes in hex.
   */
  private renderPiece(p: NonNullable<CompareColumn['pieces']>[number]) {
    const partial = isPartialCharacter(p.text);
    return html`<span class="piece ${partial ? 'partial' : ''}" title=${t('tokenId', p.id)}>${partial ? partialLabel(p.hex) : visibleText(p.text)}</span>${
      p.text.includes('\n') ? html`<br />` : nothing
    }`;
  }

  private toggle(id: string, on: boolean): void {
    const ids = on ? [...this.selected.filter((s) => s !== id), id] : this.selected.filter((s) => s !== id);
    const order = this.options.map((o) => o.id);
    ids.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    this.dispatchEvent(new CustomEvent('compare-change', { detail: { ids }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'compare-view': CompareView;
  }
}
