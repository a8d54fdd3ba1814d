// One SFT conversation as the run sees it: every token of the rendered chat template, marked by
// whether it is a target of the loss. With the assistant-only mask the prompt ("User: …",
// "Assistant:") is context only and the answer is what the model learns to write; with "loss on
// all tokens" everything is marked. Colour and underline style both carry the mark (solid: in the
// loss, dotted: not), and each token's ARIA label says it in words.
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { baseStyles } from '../../shared/theme.css';
import type { DataPreview } from '../protocol';
import { t } from '../strings';

type SftPreview = Extract<DataPreview, { kind: 'sft' }>;

/** How a token's text is drawn: line breaks and tabs made visible, so every token has a mark. */
const visible = (text: string): string => text.replaceAll('\n', '↵\n').replaceAll('\t', '→') || '∅';

@customElement('loss-mask')
export class LossMask extends LitElement {
  static override styles = [
    baseStyles,
    css`
      .tokens { white-space: pre-wrap; line-height: 1.9; border: 1px solid var(--vscode-widget-border, #8884); padding: 4px 6px; max-height: 16em; overflow-y: auto; }
      .tok { border-radius: 2px; padding: 0 1px; margin-right: 1px; }
      .in { background: var(--vscode-diffEditor-insertedTextBackground); border-bottom: 2px solid var(--vscode-charts-green); }
      .out { color: var(--vscode-descriptionForeground); border-bottom: 2px dotted var(--vscode-charts-red); }
      .legend { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 4px 0; }
    `,
  ];

  @property({ attribute: false }) preview: SftPreview | undefined;

  override render() {
    const p = this.preview;
    if (!p) return nothing;
    const inLoss = p.tokens.filter((k) => k.inLoss).length;
    return html`<p class="muted">${t('maskSummary', p.line, p.conversations, inLoss, p.tokens.length)}</p>
      <div class="legend" aria-hidden="true">
        <span><span class="tok in">${t('maskInExample')}</span> ${t('maskIn')}</span>
        <span><span class="tok out">${t('maskOutExample')}</span> ${t('maskOut')}</span>
      </div>
      <div class="tokens mono" role="list" aria-label=${t('maskLabel', p.line)}>${p.tokens.map((k) => html`<span role="listitem" class="tok ${k.inLoss ? 'in' : 'out'}"
        aria-label=${t(k.inLoss ? 'maskTokenIn' : 'maskTokenOut', JSON.stringify(k.text))}>${visible(k.text)}</span>`)}</div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'loss-mask': LossMask;
  }
}
