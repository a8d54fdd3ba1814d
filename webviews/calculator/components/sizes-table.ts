// The calculator's answer for one architecture: parameters, FLOPs, compute, memory to train
// (per dtype) and to serve, and the Chinchilla split of a budget. Each figure says how it was
// computed; the formulas and their sources are in extension/engine/scaling/.
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { baseStyles } from '../../shared/theme.css';
import { bytes, count, flops } from '../../shared/sizeFormat';
import type { SizesView } from '../protocol';
import { t } from '../strings';

@customElement('sizes-table')
export class SizesTable extends LitElement {
  static override styles = [
    baseStyles,
    css`
      table { border-collapse: collapse; margin: 4px 0 12px; }
      th, td { text-align: left; padding: 2px 10px 2px 0; vertical-align: top; }
      td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
      th { white-space: nowrap; }
      h3 { margin: 12px 0 2px; }
    `,
  ];

  @property({ attribute: false }) sizes!: SizesView;

  private row(label: string, value: string, help?: string) {
    return html`<tr><th scope="row">${label}</th><td class="n">${value}</td><td class="muted">${help ?? ''}</td></tr>`;
  }

  override render() {
    const s = this.sizes;
    if (!s) return nothing;
    const a = s.architecture;
    const dtypes = ['fp32', 'bf16', 'fp16'] as const;
    return html`
      <h3>${t('architecture')}: ${s.label}</h3>
      <p class="muted">${t('architectureLine', a.modelType, a.layers, a.hiddenSize, a.heads, a.kvHeads, a.headDim, a.intermediateSize, a.vocabSize, a.contextLength)} · ${t('configFrom')} <span class="source">${s.source}</span></p>

      <h3>${t('parameters')}</h3>
      <table aria-label=${t('parameters')}>
        ${this.row(t('parametersTotal'), count(s.parameters))}
        ${this.row(t('nonEmbedding'), count(s.nonEmbeddingParameters), t('nonEmbeddingHelp'))}
        ${this.row(t('embedding'), count(s.embeddingParameters))}
      </table>

      <h3>${t('flops')}</h3>
      <table aria-label=${t('flops')}>
        ${this.row(t('forward'), flops(s.forward.total), t('forwardHelp', flops(s.forward.matrices), flops(s.forward.logits), flops(s.forward.attention), s.context))}
        ${this.row(t('training'), flops(s.trainingFlopsPerToken), t('trainingHelp', s.context))}
        ${this.row(t('compute'), flops(s.trainingCompute), t('computeHelp', flops(s.trainingTokens)))}
      </table>

      <h3>${t('trainMemory')}</h3>
      <p class="muted">${t('trainMemoryHelp', s.batch, s.context)}</p>
      <table aria-label=${t('trainMemory')}>
        <tr><th>${t('dtype')}</th><th>${t('weights')}</th><th>${t('gradients')}</th><th>${t('adam')}</th><th>${t('master')}</th><th>${t('activations')}</th><th>${t('total')}</th></tr>
        ${dtypes.map((d) => {
          const m = s.trainingMemory[d];
          return html`<tr><th scope="row">${d}</th>${[m.weights, m.gradients, m.adamMoments, m.masterWeights, m.activations, m.total].map((b) => html`<td class="n">${bytes(b)}</td>`)}</tr>`;
        })}
      </table>

      <h3>${t('serveMemory')}</h3>
      <table aria-label=${t('serveMemory')}>
        ${this.row(t('kvPerToken'), bytes(s.kvCacheBytesPerToken), t('kvPerTokenHelp', a.layers, a.kvHeads, a.headDim))}
        ${this.row(t('weights'), bytes(s.serving.weights), s.servingDtype)}
        ${this.row(t('kvCache'), bytes(s.serving.kvCache), `${s.batch} × ${s.context}`)}
        ${this.row(t('serveTotal'), bytes(s.serving.total))}
      </table>

      <h3>${t('chinchilla')}</h3>
      <p>${t('chinchillaLine', flops(s.computeBudget), count(s.chinchilla.parameters), count(s.chinchilla.tokens))}</p>
      <p class="muted">${t('chinchillaHelp')}</p>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sizes-table': SizesTable;
  }
}
