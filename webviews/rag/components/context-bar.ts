// The context window as one bar, contextLength tokens wide: the prompt's segments (instruction,
// sources, question) in the widths they keep, the answer room hatched, what is left free; below
// it, what overflowed, in red, and every segment with the text that was cut from it.
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { baseStyles } from '../../shared/theme.css';
import type { BudgetView } from '../protocol';
import { t } from '../strings';
import { contextBarStyles } from './context-bar.css';

@customElement('context-bar')
export class ContextBar extends LitElement {
  static override styles = [baseStyles, contextBarStyles];

  @property({ attribute: false }) budget: BudgetView | undefined;

  override render() {
    const b = this.budget;
    if (!b) return nothing;
    const width = (tokens: number) => `${(100 * tokens) / b.contextLength}%`;
    const title = (label: string, tokens: number) => `${label}: ${tokens}`;
    const summary = t('contextSummary', b.keptTokens, b.answerTokens, b.contextLength, b.free);
    return html`
      <p>${summary}</p>
      <div class="bar" role="img" aria-label=${summary}>
        ${b.segments.filter((s) => s.kept > 0).map((s) => html`<div class=${s.kind} style="width:${width(s.kept)}" title=${title(s.label, s.kept)}></div>`)}
        <div class="answer" style="width:${width(b.answerTokens)}" title=${title(t('answerRoom'), b.answerTokens)}></div>
        <div class="free" style="width:${width(b.free)}" title=${title(t('free'), b.free)}></div>
      </div>
      ${b.overflow > 0
        ? html`<div class="overflow" aria-hidden="true"><div style="width:${width(Math.min(b.overflow, b.contextLength))}"></div></div>
            <p class="notice error">${t('overflowSummary', b.overflow)}</p>`
        : nothing}
      <ul>
        ${b.segments.map(
          (s) => html`<li>
            <span class="swatch ${s.kind}"></span>${t('segmentTokens', s.label, s.kept, s.tokens)}${s.kept === 0 ? html` <strong>(${t('dropped')})</strong>` : nothing}
            ${s.cutText ? html`<span class="cut mono" aria-label=${t('cutLabel')}>${s.cutText}</span>` : nothing}
          </li>`,
        )}
      </ul>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'context-bar': ContextBar;
  }
}
