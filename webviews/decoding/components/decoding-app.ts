// The Decoding Playground: the prompt, the sampler's controls, and three tabs — the next token
// step by step (bars and the growing text), greedy / sampled / beam search side by side with the
// beam tree, and the KV cache. It keeps its state with setState() so a reload restores it, and
// turns clicks and keys into requests to the host.
import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { PanelApp } from '../../shared/panelApp';
import type { ImageFormat, KitNotification } from '../../shared/protocol';
import { baseStyles } from '../../shared/theme.css';
import {
  DECODING_TABS,
  DEFAULT_BEAM,
  DEFAULT_CONTROLS,
  MAX_GENERATE,
  type BeamSettings,
  type CompareView,
  type DecodingNotification,
  type DecodingPanelState,
  type DecodingRequest,
  type DecodingTab,
  type ExportView,
  type InsertSource,
  type SamplerControls,
  type SessionView,
} from '../protocol';
import { exportData } from '../../shared/exportImage';
import { t } from '../strings';
import type { BeamTree } from './beam-tree';
import type { CacheChart } from './cache-chart';
import './compare-columns';
import './sampler-controls';
import type { ControlsChangeEvent } from './sampler-controls';
import type { GeneratedText } from './generated-text';
import type { PickEvent, ProbabilityBars } from './probability-bars';
import { decodingAppStyles } from './decoding-app.css';

const TAB_LABELS: Record<DecodingTab, Parameters<typeof t>[0]> = { next: 'tabNext', compare: 'tabCompare', cache: 'tabCache' };

@customElement('decoding-app')
export class DecodingApp extends PanelApp<DecodingNotification, DecodingRequest> {
  static override styles = [baseStyles, decodingAppStyles];

  @state() private prompt = '';
  @state() private controls: SamplerControls = DEFAULT_CONTROLS;
  @state() private beam: BeamSettings = DEFAULT_BEAM;
  @state() private tab: DecodingTab = 'next';
  @state() private session: SessionView | undefined;
  @state() private comparison: CompareView | undefined;
  @state() private count = 20;

  protected override restore(saved: DecodingPanelState): void {
    this.prompt = saved.prompt;
    this.controls = saved.controls;
    this.beam = saved.beam;
    this.tab = saved.tab;
  }

  protected override receive(message: Exclude<DecodingNotification, KitNotification>): void {
    switch (message.type) {
      case 'session':
        this.session = message.payload;
        this.prompt = message.payload.prompt;
        this.controls = message.payload.controls;
        this.error = '';
        break;
      case 'compare':
        this.comparison = message.payload;
        this.error = '';
        break;
    }
    this.save();
  }

  protected override savedState(): DecodingPanelState {
    return {
      prompt: this.prompt,
      controls: this.controls,
      chosen: this.session?.generated.map((g) => ({ token: g.token, forced: g.forced })) ?? [],
      beam: this.beam,
      tab: this.tab,
    };
  }

  override render() {
    const s = this.session;
    return html`
      <header>
        <h1>${t('title')}</h1>
        ${s ? html`<span class="muted">${s.model.remote ? t('remoteModelInfo', s.model.name, s.model.remote.url, s.model.remote.topK) : t('modelInfo', s.model.name, s.model.contextLength, s.model.vocabSize)}</span>` : nothing}
      </header>
      ${this.promptBox()}
      ${s?.notices.map((n) => html`<p class="notice" role="status">${n}</p>`)}
      ${this.error ? html`<p class="notice error" role="alert">${this.error}</p>` : nothing}
      <sampler-controls .controls=${this.controls} @controls-change=${(e: ControlsChangeEvent) => this.setControls(e.detail)}></sampler-controls>
      <div class="tabs" role="tablist" aria-label=${t('views')} @keydown=${this.onTabKey}>
        ${this.tabs.map(
          (tab) =>
            html`<button
              role="tab"
              id="tab-${tab}"
              aria-selected=${tab === this.tab ? 'true' : 'false'}
              aria-controls="panel-${tab}"
              tabindex=${tab === this.tab ? 0 : -1}
              @click=${() => this.openTab(tab)}
            >
              ${t(TAB_LABELS[tab])}
            </button>`,
        )}
      </div>
      <section role="tabpanel" id="panel-${this.tab}" aria-labelledby="tab-${this.tab}">
        ${this.tab === 'next' || !this.tabs.includes(this.tab) ? this.nextTab() : this.tab === 'compare' ? this.compareTab() : this.cacheTab()}
      </section>
    `;
  }

  private promptBox() {
    const s = this.session;
    return html`<div class="prompt">
      <label for="prompt">${t('prompt')}${s?.source ? html` <span class="muted">(${s.source})</span>` : nothing}</label>
      <textarea id="prompt" rows="3" .value=${this.prompt} @input=${(e: Event) => (this.prompt = (e.target as HTMLTextAreaElement).value)}
        @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && (e.ctrlKey || e.metaKey) && this.usePrompt()}></textarea>
      <div class="row">
        <vscode-button id="use-prompt" @click=${this.usePrompt}>${t('usePrompt')}</vscode-button>
        ${s && !s.model.remote ? html`<span class="muted">${t('promptTokens', s.promptTokens)}</span>` : nothing}
        ${this.busy?.task === 'load' ? html`<span class="muted" role="status">${t('loading')}</span>` : nothing}
      </div>
    </div>`;
  }

  private nextTab() {
    const s = this.session;
    if (!s) return html`<p class="muted">${this.busy?.task === 'load' ? t('loading') : t('noSession')}</p>`;
    const working = this.busy !== null;
    const ended = s.finished !== null;
    return html`
      <div class="toolbar" role="toolbar" aria-label=${t('stepControls')}>
        <vscode-button id="next" ?disabled=${working || ended} @click=${() => this.request({ type: 'next', payload: {} })}>${t('next')}</vscode-button>
        <vscode-button id="back" secondary ?disabled=${working || !s.generated.length} @click=${() => this.request({ type: 'back', payload: {} })}>${t('back')}</vscode-button>
        <vscode-button id="restart" secondary ?disabled=${working} @click=${() => this.request({ type: 'restart', payload: {} })}>${t('restart')}</vscode-button>
        <span class="group">
          <vscode-button id="generate" secondary ?disabled=${working || ended} @click=${() => this.request({ type: 'generate', payload: { count: this.count } })}
            >${t('generateN', this.count)}</vscode-button
          >
          <input id="count" type="number" min="1" max=${MAX_GENERATE} .value=${String(this.count)} aria-label=${t('generateCount')}
            @change=${(e: Event) => (this.count = Math.max(1, Math.min(MAX_GENERATE, Math.round(Number((e.target as HTMLInputElement).value)) || 1)))} />
        </span>
        ${this.busy?.task === 'generate' || this.busy?.task === 'compare'
          ? html`<vscode-button id="stop" @click=${() => this.request({ type: 'stop', payload: {} })}>${t('stop')}</vscode-button>
              <span class="muted" role="status">${t('progress', this.busy?.done ?? 0, this.busy?.total ?? 0)}</span>`
          : nothing}
        <vscode-button id="insert" secondary ?disabled=${!s.generated.length} @click=${() => this.insert('steps')}>${t('insert')}</vscode-button>
      </div>
      <h2>${t('textHeading')} ${this.exportButtons('text')}</h2>
      <generated-text .prompt=${s.prompt} .generated=${s.generated}></generated-text>
      ${ended ? html`<p class="notice" role="status">${s.finished}</p>` : nothing}
      <h2>${t('barsHeading')} ${this.exportButtons('bars')}</h2>
      <p class="muted">${this.filterSummary(s)}</p>
      <probability-bars .candidates=${s.candidates} ?disabled=${working || ended} @pick=${(e: PickEvent) => this.request({ type: 'pick', payload: e.detail })}></probability-bars>
    `;
  }

  private filterSummary(s: SessionView): string {
    if (!s.filters.length) return t('noFilters', s.model.vocabSize);
    return s.filters.map((f) => t('filterKept', f.name, f.kept, s.model.vocabSize)).join(' · ');
  }

  private compareTab() {
    const c = this.comparison;
    const working = this.busy !== null;
    return html`
      <form class="toolbar" @submit=${(e: Event) => (e.preventDefault(), this.compare())} aria-label=${t('beamSettings')}>
        ${this.numberField('width', t('beamWidth'), this.beam.width, 1, 16, 1)}
        ${this.numberField('lengthPenalty', t('lengthPenalty'), this.beam.lengthPenalty, -2, 3, 0.1)}
        ${this.numberField('maxNewTokens', t('newTokens'), this.beam.maxNewTokens, 1, 64, 1)}
        <vscode-button id="run-compare" ?disabled=${working || !this.session} @click=${this.compare}>${t('runCompare')}</vscode-button>
        ${this.busy?.task === 'compare'
          ? html`<vscode-button id="stop" @click=${() => this.request({ type: 'stop', payload: {} })}>${t('stop')}</vscode-button>
              <span class="muted" role="status">${t('progress', this.busy?.done ?? 0, this.busy?.total ?? 0)}</span>`
          : nothing}
      </form>
      ${c
        ? html`<compare-columns .view=${c} .controls=${this.controls} @insert=${(e: CustomEvent<{ source: InsertSource }>) => this.insert(e.detail.source)}></compare-columns>
            <h2>${t('beamTreeHeading', c.settings.width, c.settings.lengthPenalty)} ${this.exportButtons('tree')}</h2>
            <p class="muted">${t('beamTreeLegend')}</p>
            <beam-tree .nodes=${c.nodes}></beam-tree>`
        : html`<p class="muted">${t('compareHint')}</p>`}
    `;
  }

  private cacheTab() {
    const s = this.session;
    if (!s) return html`<p class="muted">${t('noSession')}</p>`;
    return html`<h2>${t('cacheHeading')} ${this.exportButtons('cache')}</h2>
      <cache-chart .points=${s.cache}></cache-chart>`;
  }

  private numberField(id: keyof BeamSettings, label: string, value: number, min: number, max: number, step: number) {
    return html`<label class="field"
      >${label}
      <input id=${id} type="number" min=${min} max=${max} step=${step} .value=${String(value)}
        @change=${(e: Event) => {
          const raw = Number((e.target as HTMLInputElement).value);
          const clamped = Math.max(min, Math.min(max, Number.isFinite(raw) ? raw : value));
          this.beam = { ...this.beam, [id]: step === 1 ? Math.round(clamped) : clamped };
          this.save();
        }}
    /></label>`;
  }

  private exportButtons(view: ExportView) {
    return html`<span class="export">
      <button class="link" data-export="${view}-png" aria-label=${t('exportPngOf', t(`view_${view}`))} @click=${() => this.export(view, 'png')}>PNG</button>
      <button class="link" data-export="${view}-svg" aria-label=${t('exportSvgOf', t(`view_${view}`))} @click=${() => this.export(view, 'svg')}>SVG</button>
    </span>`;
  }

  private async export(view: ExportView, format: ImageFormat): Promise<void> {
    const selector = { bars: 'probability-bars', text: 'generated-text', tree: 'beam-tree', cache: 'cache-chart' }[view];
    const element = this.renderRoot.querySelector(selector) as ProbabilityBars | GeneratedText | BeamTree | CacheChart | null;
    const image = element?.image;
    if (!image) return;
    try {
      this.exportImage(`decoding-${view}`, format, await exportData(image, format));
    } catch (error) {
      this.error = t('exportFailed', (error as Error).message);
    }
  }

  private usePrompt(): void {
    this.request({ type: 'setPrompt', payload: { text: this.prompt } });
  }

  private setControls(controls: SamplerControls): void {
    this.controls = controls;
    this.save();
    this.request({ type: 'setControls', payload: controls });
  }

  private compare(): void {
    this.request({ type: 'compare', payload: this.beam });
  }

  private insert(source: InsertSource): void {
    this.request({ type: 'insert', payload: { source } });
  }

  private openTab(tab: DecodingTab): void {
    this.tab = tab;
    this.save();
    if (tab === 'compare' && !this.comparison && this.session && this.busy === null) this.compare();
  }

  /** A served model's KV cache stays on its server: its tab is left out. */
  private get tabs(): readonly DecodingTab[] {
    return this.session?.model.remote ? DECODING_TABS.filter((tab) => tab !== 'cache') : DECODING_TABS;
  }

  private onTabKey(event: KeyboardEvent): void {
    const tabs = this.tabs;
    const at = tabs.indexOf(this.tab);
    const next = event.key === 'ArrowRight' ? at + 1 : event.key === 'ArrowLeft' ? at - 1 : undefined;
    if (next === undefined) return;
    const tab = tabs[(next + tabs.length) % tabs.length];
    this.openTab(tab);
    void this.updateComplete.then(() => (this.renderRoot.querySelector(`#tab-${tab}`) as HTMLElement | null)?.focus());
    event.preventDefault();
  }
}
