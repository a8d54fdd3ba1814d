// One ranking (BM25, dense or fused): rank, score, where the chunk is (a link that opens it at its
// range) and the start of its text. Fires 'open-chunk' with the chunk's id.
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { baseStyles } from '../../shared/theme.css';
import type { RankedView } from '../protocol';
import { t } from '../strings';
import { rankingListStyles } from './ranking-list.css';

export type OpenChunkEvent = CustomEvent<{ id: string }>;

@customElement('ranking-list')
export class RankingList extends LitElement {
  static override styles = [baseStyles, rankingListStyles];

  @property() heading = '';
  @property({ attribute: false }) items: readonly RankedView[] = [];
  /** Digits shown of each score. */
  @property({ type: Number }) digits = 3;
  @property({ type: Boolean }) fused = false;
  /** This ranking's first chunks are the prompt's sources. */
  @property({ type: Boolean }) feeds = false;

  override render() {
    return html`<h3>${this.heading}${this.feeds ? html` <span class="feeds">${t('feedsAnswer')}</span>` : nothing}</h3>
      ${this.items.length === 0 ? html`<p class="muted">${t('noHits')}</p>` : nothing}
      <ol aria-label=${this.heading}>
        ${this.items.map(
          (r) => html`<li>
            <div class="head">
              <strong>#${r.rank}</strong>
              <button class="link mono" title=${t('openChunk', r.chunk.location)} @click=${() => this.open(r.chunk.id)}>${r.chunk.location}</button>
              <span class="score mono">${r.score.toFixed(this.digits)}</span>
            </div>
            ${this.fused ? html`<div class="muted">${t('fusedRanks', r.bm25Rank ?? t('notRanked'), r.denseRank ?? t('notRanked'))}</div>` : nothing}
            <span class="preview">${r.chunk.preview}</span>
          </li>`,
        )}
      </ol>`;
  }

  private open(id: string): void {
    this.dispatchEvent(new CustomEvent('open-chunk', { detail: { id }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ranking-list': RankingList;
  }
}
