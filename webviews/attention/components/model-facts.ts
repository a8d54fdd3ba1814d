// The model's sizes, as a definition list: what the other views' shapes come from.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { bytes, flops } from '../../shared/sizeFormat';
import { baseStyles } from '../../shared/theme.css';
import type { ModelFacts as Facts } from '../protocol';
import { t, type AttentionStringKey } from '../strings';

@customElement('model-facts')
export class ModelFacts extends LitElement {
  static override styles = [
    baseStyles,
    css`
      dl {
        display: grid;
        grid-template-columns: max-content auto;
        gap: 4px 16px;
        margin: 8px 0;
      }
      dt {
        color: var(--vscode-descriptionForeground);
      }
      dd {
        margin: 0;
        overflow-wrap: anywhere;
      }
    `,
  ];

  @property({ attribute: false }) facts: Facts | undefined;

  override render() {
    const f = this.facts;
    if (!f) return nothing;
    const count = (n: number | undefined) => (n === undefined ? t('factUnknown') : n.toLocaleString());
    const rows: [AttentionStringKey, string][] = [
      ['factName', f.bundled ? `${f.name} (${t('bundled')})` : f.name],
      ['factFolder', f.dir],
      ['factKind', f.kind === 'gpt2' ? t('factKindGpt2') : f.kind === 'llama' ? t('factKindLlama', f.modelType) : t('factKindForeign', f.modelType)],
      ['factGraph', f.graph],
      ['factParameters', f.parameters === undefined ? t('factUnknown') : `${count(f.parameters)}${f.embeddingParameters ? ` (${count(f.embeddingParameters)} ${t('factEmbeddingParameters')})` : ''}`],
      ['factLayers', count(f.layers)],
      ['factHeads', count(f.heads)],
      ...(f.keyValueHeads !== undefined && f.keyValueHeads !== f.heads ? [['factKeyValueHeads', count(f.keyValueHeads)] as [AttentionStringKey, string]] : []),
      ['factHeadDim', count(f.headDim)],
      ['factEmbeddingDim', count(f.embeddingDim)],
      ['factContext', count(f.contextLength)],
      ['factVocabulary', count(f.vocabSize)],
      ...sizeRowsOf(f, count),
    ];
    return html`<dl>${rows.map(([key, value]) => html`<dt>${t(key)}</dt><dd data-fact=${key}>${value}</dd>`)}</dl>`;
  }
}

/** The calculator's figures (extension/engine/scaling/), when config.json names an architecture it knows. */
function sizeRowsOf(f: Facts, count: (n: number) => string): [AttentionStringKey, string][] {
  const s = f.sizes;
  if (!s) return [];
  if ('unavailable' in s) return [['factSizesUnavailable', s.unavailable]];
  return [
    ['factNonEmbedding', count(s.nonEmbeddingParameters)],
    ['factFlops', t('factFlopsValue', flops(s.forwardFlopsPerToken), flops(s.trainingFlopsPerToken))],
    ['factKvCache', bytes(s.kvCacheBytesPerToken)],
    ['factTrainMemory', bytes(s.trainingBytes)],
    ['factServeMemory', bytes(s.servingBytes)],
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'model-facts': ModelFacts;
  }
}
