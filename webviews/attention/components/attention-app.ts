// The attention panel: the model, the inspected tokens, and six tabs (heads, lines, embeddings,
// logit lens, residual stream, model facts). It owns the panel's state (which head, which query
// token, which tab), keeps it with setState() so a reload restores it, and turns what the child
// views report into requests to the host.
import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { PanelApp } from '../../shared/panelApp';
import type { ImageFormat, KitNotification } from '../../shared/protocol';
import { baseStyles, panelLayoutStyles } from '../../shared/theme.css';
import { colourRamp, type Palette } from '../draw/palette';
import {
  ATTENTION_DATA_TYPES,
  ATTENTION_TABS,
  isAttentionData,
  MEAN_HEAD,
  type AttentionNotification,
  type AttentionPanelState,
  type AttentionRequest,
  type AttentionTab,
  type EmbeddingView,
  type ExportView,
  type HeadMatrix,
  type InspectionView,
  type LensView,
  type ModelFacts,
  type NormsView,
} from '../protocol';
import { t } from '../strings';
import { readPalette, watchTheme } from '../themePalette';
import { tokenLabel } from '../tokenLabel';
import { attentionAppStyles } from './attention-app.css';
import type { Exportable, QueryChangeEvent } from './exportable';
import type { HeadSelectEvent } from './head-grid';
import { renderImage } from './renderImage';

type Unavailable = Partial<Record<'embeddings' | 'lens' | 'norms', string>>;

/** The element that draws each exportable view. */
const EXPORT_ELEMENTS: Record<ExportView, string> = {
  grid: 'head-grid',
  heatmap: 'heatmap-view',
  lines: 'lines-view',
  embeddings: 'embedding-view',
  lens: 'lens-view',
  norms: 'norms-view',
};

@customElement('attention-app')
export class AttentionApp extends PanelApp<AttentionNotification, AttentionRequest> {
  static override styles = [baseStyles, panelLayoutStyles, attentionAppStyles];

  @state() private facts: ModelFacts | undefined;
  @state() private inspection: InspectionView | undefined;
  @state() private matrix: (HeadMatrix & { runId: number }) | undefined;
  @state() private embeddings: EmbeddingView | undefined;
  @state() private lens: LensView | undefined;
  @state() private norms: NormsView | undefined;
  @state() private unavailable: Unavailable = {};
  @state() private tab: AttentionTab = 'heads';
  @state() private layer = 0;
  @state() private head = 0;
  @state() private query = -1;
  @state() private showVocabulary = true;
  @state() private width = 800;
  @state() private palette: Palette | undefined;
  @state() private ramp: Uint8ClampedArray | undefined;
  private text = '';
  /** The last head chosen, for leaving the mean view. */
  private lastHead = 0;
  private reportedRun = -1;
  /** performance.now() when the current run's overview arrived, for the drawing time reported. */
  private receivedAt = 0;
  private readonly stops: (() => void)[] = [];

  override connectedCallback(): void {
    this.refreshPalette();
    const resize = new ResizeObserver(([entry]) => (this.width = Math.round(entry.contentRect.width)));
    resize.observe(this);
    this.stops.push(() => resize.disconnect(), watchTheme(() => this.refreshPalette()));
    super.connectedCallback();
  }

  protected override restore(saved: AttentionPanelState): void {
    ({ text: this.text, tab: this.tab, layer: this.layer, head: this.head, query: this.query, showVocabulary: this.showVocabulary } = saved);
    this.lastHead = Math.max(0, this.head);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    while (this.stops.length) this.stops.pop()?.();
  }

  private refreshPalette(): void {
    this.palette = readPalette();
    this.ramp = colourRamp(this.palette.background, this.palette.accent);
  }

  protected override receive(message: Exclude<AttentionNotification, KitNotification>): void {
    // The arrays arrive as binary: a wrong length would draw garbage or read past the end, so a
    // message whose arrays do not match its shape is dropped (it would be a bug in the host).
    if (ATTENTION_DATA_TYPES.has(message.type) && !isAttentionData(message)) {
      console.error(`attention panel: dropped a '${message.type}' message whose arrays do not match its shape`);
      return;
    }
    switch (message.type) {
      case 'model':
        this.facts = message.payload;
        break;
      case 'inspection':
        this.showInspection(message.payload);
        break;
      case 'head':
        if (message.payload.runId === this.inspection?.runId) this.matrix = message.payload;
        break;
      case 'embeddings':
        if (message.payload.runId === this.inspection?.runId) this.embeddings = message.payload;
        break;
      case 'lens':
        if (message.payload.runId === this.inspection?.runId) this.lens = message.payload;
        break;
      case 'norms':
        if (message.payload.runId === this.inspection?.runId) this.norms = message.payload;
        break;
      case 'unavailable':
        if (message.payload.runId === this.inspection?.runId) this.unavailable = { ...this.unavailable, [message.payload.view]: message.payload.reason };
        break;
    }
    this.save();
  }

  private showInspection(view: InspectionView): void {
    this.receivedAt = performance.now();
    const sameText = view.text === this.text;
    this.inspection = view;
    this.text = view.text;
    this.busy = null;
    this.error = '';
    [this.embeddings, this.lens, this.norms, this.unavailable] = [undefined, undefined, undefined, {}];
    if (!sameText || this.query >= view.tokens.length) this.query = -1;
    if (this.layer >= view.heads.length) this.layer = 0;
    if (this.head >= (view.heads[this.layer] ?? 0)) this.head = 0;
    const selected = view.selected;
    if (selected && selected.layer === this.layer && selected.head === this.head) this.matrix = { ...selected, runId: view.runId };
    else if (view.heads.length) this.request({ type: 'selectHead', payload: { runId: view.runId, layer: this.layer, head: this.head } });
    if (this.query >= 0) this.sendFocus();
  }

  override render() {
    const view = this.inspection;
    return html`
      <header>
        <span class="muted">${t('model')}</span>
        <strong id="model-name">${this.facts ? this.facts.name : '…'}</strong>
        ${this.facts?.bundled ? html`<span class="muted">(${t('bundled')})</span>` : nothing}
        <vscode-button secondary id="choose-model" @click=${() => this.request({ type: 'chooseModel', payload: {} })}>${t('chooseModel')}</vscode-button>
        ${view?.source ? html`<span class="source muted">${view.source}</span>` : nothing}
      </header>
      ${this.busy?.message ? html`<div class="notice" role="status" id="busy">${this.busy.message}</div>` : nothing}
      ${this.error ? html`<div class="notice error" role="alert" id="error">${this.error}</div>` : nothing}
      ${view?.notices.map((n) => html`<div class="notice" role="status">${n}</div>`)}
      ${view ? this.renderInspection(view) : html`<p class="muted" id="empty">${t('noTextYet')}</p>`}
    `;
  }

  private renderInspection(view: InspectionView) {
    const labels = view.tokens.map((tk) => tokenLabel(tk.text));
    return html`
      <token-strip .tokens=${view.tokens} .query=${this.query} @query-change=${this.onQuery}></token-strip>
      <vscode-tabs .selectedIndex=${ATTENTION_TABS.indexOf(this.tab)} @vsc-tabs-select=${this.onTabSelect} @query-change=${this.onQuery}>
        <vscode-tab-header slot="header" data-tab="heads">${t('tabHeads')}</vscode-tab-header>
        <vscode-tab-panel>${this.renderHeads(view, labels)}</vscode-tab-panel>
        <vscode-tab-header slot="header" data-tab="lines">${t('tabLines')}</vscode-tab-header>
        <vscode-tab-panel>${this.renderLines(view, labels)}</vscode-tab-panel>
        <vscode-tab-header slot="header" data-tab="embeddings">${t('tabEmbeddings')}</vscode-tab-header>
        <vscode-tab-panel>${this.renderEmbeddings(view)}</vscode-tab-panel>
        <vscode-tab-header slot="header" data-tab="lens">${t('tabLens')}</vscode-tab-header>
        <vscode-tab-panel>${this.renderLens(view)}</vscode-tab-panel>
        <vscode-tab-header slot="header" data-tab="norms">${t('tabNorms')}</vscode-tab-header>
        <vscode-tab-panel>${this.renderNorms(labels)}</vscode-tab-panel>
        <vscode-tab-header slot="header" data-tab="model">${t('tabModel')}</vscode-tab-header>
        <vscode-tab-panel><model-facts .facts=${this.facts}></model-facts></vscode-tab-panel>
      </vscode-tabs>
    `;
  }

  private renderHeads(view: InspectionView, labels: readonly string[]) {
    if (view.attentionUnavailable) return html`<div class="notice" id="attention-unavailable">${t('attentionUnavailable', view.attentionUnavailable)}</div>`;
    return html`
      <div class="toolbar">${this.saveButtons('grid')}</div>
      <head-grid
        .heads=${view.heads}
        .thumbnails=${view.thumbnails}
        .side=${view.thumbnailSize}
        .tokens=${view.tokens.length}
        .layer=${this.layer}
        .head=${this.head}
        .palette=${this.palette}
        .ramp=${this.ramp}
        @head-select=${this.onHeadSelect}
      ></head-grid>
      <p class="muted">${t('heatmapHelp')}</p>
      <div class="toolbar">${this.saveButtons('heatmap')}</div>
      <heatmap-view
        .matrix=${this.matrix?.data}
        .labels=${labels}
        .heading=${this.heading(view)}
        .query=${this.query}
        .available=${this.width - 8}
        .palette=${this.palette}
        .ramp=${this.ramp}
        @heatmap-drawn=${this.onHeatmapDrawn}
      ></heatmap-view>
    `;
  }

  private renderLines(view: InspectionView, labels: readonly string[]) {
    if (view.attentionUnavailable) return html`<div class="notice">${t('attentionUnavailable', view.attentionUnavailable)}</div>`;
    return html`
      <div class="toolbar">
        <vscode-checkbox id="mean-heads" .checked=${this.head === MEAN_HEAD} @change=${this.onMeanToggle}>${t('meanOverHeads')}</vscode-checkbox>
        ${this.saveButtons('lines')}
      </div>
      <p class="muted">${t('linesHelp')}</p>
      <lines-view .active=${this.tab === 'lines'} .matrix=${this.matrix?.data} .labels=${labels} .heading=${this.heading(view)} .query=${this.query} .palette=${this.palette}></lines-view>
    `;
  }

  private renderEmbeddings(view: InspectionView) {
    if (this.unavailable.embeddings) return html`<div class="notice">${this.unavailable.embeddings}</div>`;
    if (!this.embeddings) return html`<p class="muted">${t('working')}</p>`;
    return html`
      <div class="toolbar">
        <vscode-checkbox id="show-vocabulary" .checked=${this.showVocabulary} @change=${this.onVocabularyToggle}>
          ${t('showVocabulary', this.embeddings.basisRows)}
        </vscode-checkbox>
        ${this.saveButtons('embeddings')}
      </div>
      <p class="muted">${t('embeddingsHelp', this.embeddings.basisRows)}</p>
      <embedding-view .active=${this.tab === 'embeddings'} .data=${this.embeddings} .tokens=${view.tokens} .showVocabulary=${this.showVocabulary} .query=${this.query} .available=${this.width - 8} .palette=${this.palette}></embedding-view>
    `;
  }

  private renderLens(view: InspectionView) {
    if (this.unavailable.lens) return html`<div class="notice">${this.unavailable.lens}</div>`;
    if (!this.lens) return html`<p class="muted">${t('working')}</p>`;
    return html`
      <div class="toolbar">${this.saveButtons('lens')}</div>
      <p class="muted">${t('lensHelp')}</p>
      <lens-view .active=${this.tab === 'lens'} .data=${this.lens} .tokens=${view.tokens} .query=${this.query} .palette=${this.palette} .ramp=${this.ramp}></lens-view>
    `;
  }

  private renderNorms(labels: readonly string[]) {
    if (this.unavailable.norms) return html`<div class="notice">${this.unavailable.norms}</div>`;
    if (!this.norms) return html`<p class="muted">${t('working')}</p>`;
    return html`
      <div class="toolbar">${this.saveButtons('norms')}</div>
      <p class="muted">${t('normsHelp')}</p>
      <norms-view .active=${this.tab === 'norms'} .data=${this.norms} .labels=${labels} .query=${this.query} .available=${this.width - 8} .palette=${this.palette}></norms-view>
    `;
  }

  private saveButtons(view: ExportView) {
    return html`<span class="save">
      <vscode-button secondary class="save-png" data-view=${view} @click=${() => void this.exportView(view, 'png')}>${t('savePng')}</vscode-button>
      <vscode-button secondary class="save-svg" data-view=${view} @click=${() => void this.exportView(view, 'svg')}>${t('saveSvg')}</vscode-button>
    </span>`;
  }

  private heading(view: InspectionView): string {
    const heads = view.heads[this.layer] ?? 0;
    return this.head === MEAN_HEAD ? t('heatmapTitleMean', this.layer + 1, heads) : t('heatmapTitle', this.layer + 1, this.head + 1);
  }

  private onHeadSelect(event: HeadSelectEvent): void {
    this.selectHead(event.detail.layer, event.detail.head);
  }

  private selectHead(layer: number, head: number): void {
    this.layer = layer;
    this.head = head;
    if (head !== MEAN_HEAD) this.lastHead = head;
    const runId = this.inspection?.runId;
    if (runId !== undefined) this.request({ type: 'selectHead', payload: { runId, layer, head } });
    if (this.query >= 0) this.sendFocus();
    this.save();
  }

  private onMeanToggle(event: Event): void {
    const checked = (event.target as HTMLInputElement).checked;
    const heads = this.inspection?.heads[this.layer] ?? 1;
    this.selectHead(this.layer, checked ? MEAN_HEAD : Math.min(this.lastHead, heads - 1));
  }

  private onVocabularyToggle(event: Event): void {
    this.showVocabulary = (event.target as HTMLInputElement).checked;
    this.save();
  }

  private onQuery(event: QueryChangeEvent): void {
    event.stopPropagation();
    if (event.detail.index === this.query) return;
    this.query = event.detail.index;
    this.sendFocus();
    this.save();
  }

  private sendFocus(): void {
    const runId = this.inspection?.runId;
    if (runId === undefined) return;
    this.request({ type: 'focusToken', payload: { runId, index: this.query >= 0 ? this.query : null, layer: this.layer, head: this.head } });
  }

  private onTabSelect(event: CustomEvent<{ selectedIndex: number }>): void {
    this.tab = ATTENTION_TABS[event.detail.selectedIndex] ?? 'heads';
    this.save();
  }

  /** The first drawing of each run's heatmap is reported once: the host times command-to-heatmap. */
  private onHeatmapDrawn(): void {
    const runId = this.matrix?.runId;
    if (runId === undefined || runId !== this.inspection?.runId || runId === this.reportedRun) return;
    this.reportedRun = runId;
    this.request({ type: 'drawn', payload: { runId, drawMilliseconds: performance.now() - this.receivedAt } });
  }

  private async exportView(view: ExportView, format: ImageFormat): Promise<void> {
    const element = this.renderRoot.querySelector(EXPORT_ELEMENTS[view]) as unknown as Exportable | null;
    if (!element || !this.palette) return;
    const data = await renderImage(element, format, this.palette);
    this.exportImage(this.exportName(view), format, data);
  }

  private exportName(view: ExportView): string {
    const where = this.head === MEAN_HEAD ? `L${this.layer + 1}-mean` : `L${this.layer + 1}-H${this.head + 1}`;
    const names: Record<ExportView, string> = {
      grid: 'attention-heads',
      heatmap: `attention-${where}`,
      lines: `attention-lines-${where}`,
      embeddings: 'embeddings-pca',
      lens: 'logit-lens',
      norms: 'residual-norms',
    };
    return names[view];
  }

  protected override savedState(): AttentionPanelState {
    return {
      text: this.text,
      tab: this.tab,
      layer: this.layer,
      head: this.head,
      query: this.query,
      showVocabulary: this.showVocabulary,
    };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'attention-app': AttentionApp;
  }
}
