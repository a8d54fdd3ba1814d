// The logit lens as a table: a row per position, a column per residual stream, each cell the
// token predicted next from that stream, shaded by its probability; its tooltip lists the top
// few. Underlined cells predict the text's actual next token. Exported through draw/lensDrawing.
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { baseStyles } from '../../shared/theme.css';
import { drawLens, lensCell, lensSize, type LensContent } from '../draw/lensDrawing';
import type { Painter } from '../draw/painter';
import { rampColour, type Palette } from '../draw/palette';
import type { LensView as LensData, TokenView } from '../protocol';
import { t } from '../strings';
import { tokenLabel } from '../tokenLabel';
import { queryChange, type Exportable } from './exportable';

@customElement('lens-view')
export class LensView extends LitElement implements Exportable {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        overflow: auto;
        max-height: 70vh;
      }
      table {
        border-collapse: separate;
        border-spacing: 2px;
      }
      th {
        position: sticky;
        top: 0;
        background: var(--vscode-editor-background);
        color: var(--vscode-descriptionForeground);
        font-weight: normal;
        padding: 2px 6px;
      }
      th[scope='row'] {
        position: sticky;
        left: 0;
        text-align: left;
        color: var(--vscode-foreground);
        cursor: pointer;
      }
      td {
        padding: 1px 6px;
        white-space: pre;
      }
      td.match {
        text-decoration: underline;
        text-underline-offset: 3px;
      }
      tr.chosen th[scope='row'] {
        color: var(--vscode-charts-orange);
        font-weight: bold;
      }
    `,
  ];

  @property({ attribute: false }) data: LensData | undefined;
  @property({ attribute: false }) tokens: readonly TokenView[] = [];
  @property({ type: Number }) query = -1;
  @property({ attribute: false }) palette: Palette | undefined;
  @property({ attribute: false }) ramp: Uint8ClampedArray | undefined;
  /** The table is built only while its tab shows: hundreds of cells with tooltips. */
  @property({ type: Boolean }) active = false;

  override render() {
    const content = this.content();
    if (!this.active || !content || !this.ramp) return html``;
    const ramp = this.ramp;
    const streams = Array.from({ length: content.streams }, (_, l) => l);
    return html`<table class="mono" aria-label=${t('lensTitle')}>
      <thead>
        <tr>
          <th scope="col">${t('lensInput')}</th>
          ${streams.map((l) => html`<th scope="col">${l === 0 ? t('streamEmbeddings') : t('streamAfterBlock', l)}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${this.tokens.map(
          (_token, i) => html`<tr class=${i === this.query ? 'chosen' : ''}>
            <th scope="row" @click=${() => this.dispatchEvent(queryChange(i))}>${content.labels[i]}</th>
            ${streams.map((l) => {
              const cell = lensCell(content, l, i);
              const next = this.tokens[i + 1]?.id;
              const tooltip = this.tooltip(content, l, i);
              return html`<td
                class=${cell.id === next ? 'match' : ''}
                style="background: ${rampColour(ramp, 0.7 * cell.prob, 1)}"
                title=${tooltip}
                aria-label=${tooltip}
              >${tokenLabel(cell.text)}</td>`;
            })}
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  exportSize(): { width: number; height: number } {
    const content = this.content();
    return content && this.palette ? lensSize(content, this.palette) : { width: 1, height: 1 };
  }

  paint(painter: Painter): void {
    const content = this.content();
    if (content && this.palette && this.ramp) drawLens(painter, content, this.palette, this.ramp);
  }

  private content(): LensContent | undefined {
    const data = this.data;
    if (!data) return undefined;
    return { ...data, tokens: this.tokens.length, labels: this.tokens.map((tk) => tokenLabel(tk.text)), title: t('lensTitle') };
  }

  /** "·fox after ·the: ·fox 41%, ·cat 12%, ·dog 3%" */
  private tooltip(content: LensContent, stream: number, token: number): string {
    const at = (stream * content.tokens + token) * content.k;
    const options = Array.from({ length: content.k }, (_, j) => `${tokenLabel(content.texts[at + j])} ${(100 * content.probs[at + j]).toFixed(1)}%`);
    const layer = stream === 0 ? t('streamEmbeddings') : t('streamAfterBlock', stream);
    const match = content.ids[at] === this.tokens[token + 1]?.id ? ` (${t('lensMatch')})` : '';
    return `${t('lensCell', layer, content.labels[token], options.join(', '))}${match}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lens-view': LensView;
  }
}
