// The counts under the tokenizer's name: tokens, characters, UTF-8 bytes and characters per token
// (the figure that says how well a tokenizer compresses this kind of text).
import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { baseStyles } from '../../shared/theme.css';
import { t } from '../strings';
import type { TokenCounts } from '../protocol';
import { tokenStatsStyles } from './token-stats.css';

export function charsPerToken(counts: TokenCounts): string {
  return counts.tokens ? (counts.characters / counts.tokens).toFixed(2) : '–';
}

@customElement('token-stats')
export class TokenStats extends LitElement {
  static override styles = [baseStyles, tokenStatsStyles];

  @property({ attribute: false }) counts: TokenCounts = { tokens: 0, characters: 0, bytes: 0 };

  override render() {
    const c = this.counts;
    return html`<dl aria-label=${t('counts')}>
      <div><dt>${t('countTokens')}</dt><dd data-count="tokens">${c.tokens.toLocaleString()}</dd></div>
      <div><dt>${t('countCharacters')}</dt><dd data-count="characters">${c.characters.toLocaleString()}</dd></div>
      <div><dt>${t('countBytes')}</dt><dd data-count="bytes">${c.bytes.toLocaleString()}</dd></div>
      <div><dt>${t('countCharsPerToken')}</dt><dd data-count="charsPerToken">${charsPerToken(c)}</dd></div>
    </dl>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'token-stats': TokenStats;
  }
}
