// The Scaling Sweep panel (Step 8): data and compute budget above; the run training now, drawn as
// the training panel draws its loss; then the results: the runs, the fitted law with its interval
// beside Kaplan's exponent and the caveats, the prediction with "Train it and check", and the
// log-log plots of loss against N and against C. The form is kept across reloads.
import { css, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { exportData } from '../../shared/exportImage';
import { PanelApp } from '../../shared/panelApp';
import type { KitNotification } from '../../shared/protocol';
import { baseStyles, panelLayoutStyles } from '../../shared/theme.css';
import { count } from '../../training/format';
import { lawCurve } from '../logAxes';
import type { ScalingSweepNotification, ScalingSweepPanelState, ScalingSweepRequest, SetupView, SweepResultsView, SweepSettings, SweepStatus, SweepView } from '../protocol';
import { t, type ScalingSweepStringKey } from '../strings';
import type { PlotPoint, ScalingPlot } from './scaling-plot';

const STATUS: Record<Exclude<SweepStatus, 'idle'>, ScalingSweepStringKey> = {
  running: 'statusRunning', stopping: 'statusStopping', finished: 'statusFinished', stopped: 'statusStopped', failed: 'statusFailed',
};

@customElement('sweep-app')
export class SweepApp extends PanelApp<ScalingSweepNotification, ScalingSweepRequest> {
  static override styles = [
    baseStyles,
    panelLayoutStyles,
    css`
      fieldset { border: 1px solid var(--vscode-panel-border, transparent); margin: 8px 0; padding: 6px 10px; }
      .row { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 4px 0; }
      label { display: inline-flex; gap: 4px; align-items: center; }
      input[type='number'], input[type='text'] { width: 8em; }
      .plots { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 8px 16px; }
      h3 { font-size: 1em; margin: 10px 0 2px; }
      h2 { font-size: 1.15em; margin: 12px 0 4px; }
      table { border-collapse: collapse; }
      th, td { padding: 1px 8px; text-align: right; }
      th:first-child, td:first-child { text-align: left; }
      progress { width: 16em; }
      .live { max-width: 560px; }
    `,
  ];

  @state() private setup: SetupView | undefined;
  @state() private settings: SweepSettings | undefined;
  @state() private sweep: SweepView | undefined;
  @query('#plot-n') private plotN!: ScalingPlot | null;
  @query('#plot-c') private plotC!: ScalingPlot | null;

  protected override restore(saved: ScalingSweepPanelState): void {
    this.settings = saved.settings;
  }

  protected override savedState(): ScalingSweepPanelState {
    return { settings: this.settings ?? (this.setup as SetupView).defaults };
  }

  protected override receive(message: Exclude<ScalingSweepNotification, KitNotification>): void {
    if (message.type === 'setup') {
      this.setup = message.payload;
      this.settings ??= message.payload.defaults;
      this.save();
    } else {
      this.sweep = message.payload;
      if (message.payload.status === 'running') this.error = '';
    }
  }

  private change(field: keyof SweepSettings, input: HTMLInputElement): void {
    const value = Number(input.value);
    if (!this.settings || !(Number.isFinite(value) && value > 0)) return;
    this.settings = { ...this.settings, [field]: value };
    this.save();
  }

  private async exportPlot(plot: ScalingPlot | null, name: string): Promise<void> {
    const svg = plot?.svgElement;
    if (svg) this.exportImage(name, 'svg', await exportData(svg, 'svg'));
  }

  private get running(): boolean {
    return this.sweep?.status === 'running' || this.sweep?.status === 'stopping';
  }

  private form() {
    const s = this.settings;
    if (!s) return nothing;
    return html`<fieldset>
      <legend>${t('data')}</legend>
      <div class="row">
        <span>${this.setup?.data ?? t('noData')}</span>
        <vscode-button secondary ?disabled=${this.running} @click=${() => this.request({ type: 'chooseData', payload: { kind: 'file' } })}>${t('chooseFile')}</vscode-button>
        <vscode-button secondary ?disabled=${this.running} @click=${() => this.request({ type: 'chooseData', payload: { kind: 'sample' } })}>${t('useSample')}</vscode-button>
      </div>
      <div class="row">
        <label title=${t('budgetHelp')}>${t('budget')} <input type="text" inputmode="decimal" aria-label=${t('budget')} .value=${String(s.budgetFlops.toExponential())} @change=${(e: Event) => this.change('budgetFlops', e.target as HTMLInputElement)}></label>
        <label title=${t('tokensPerParameterHelp')}>${t('tokensPerParameter')} <input type="number" min="0.1" step="any" aria-label=${t('tokensPerParameter')} .value=${String(s.tokensPerParameter)} @change=${(e: Event) => this.change('tokensPerParameter', e.target as HTMLInputElement)}></label>
        ${this.running
          ? html`<vscode-button secondary @click=${() => this.request({ type: 'stop', payload: {} })}>${t('stop')}</vscode-button>`
          : html`<vscode-button ?disabled=${!this.setup?.data || this.busy !== null} @click=${() => this.request({ type: 'start', payload: { settings: s } })}>${t('start')}</vscode-button>`}
      </div>
      <p class="muted">${t('budgetHelp')} ${t('tokensPerParameterHelp')}</p>
    </fieldset>`;
  }

  private status() {
    const v = this.sweep;
    if (!v || v.status === 'idle') return nothing;
    return html`<p role="status"><strong>${t(STATUS[v.status])}</strong></p>
      ${v.message ? html`<p class="notice ${v.status === 'failed' ? 'error' : ''}">${v.message}</p>` : nothing}`;
  }

  private current() {
    const c = this.sweep?.current;
    if (!c || !this.running) return nothing;
    const title = c.check ? t('currentCheck', c.name, count(c.nonEmbeddingParameters)) : t('currentRun', c.index + 1, c.planned, c.name, count(c.nonEmbeddingParameters));
    return html`<h3>${title}</h3>
      <div class="row"><progress max=${c.totalSteps} .value=${c.step} aria-label=${t('stepLine', c.step, c.totalSteps)}></progress><span>${t('stepLine', c.step, c.totalSteps)}</span></div>
      <line-chart class="live" .series=${[{ label: t('trainingLoss'), points: c.loss, colour: 'blue' }, { label: t('validationLoss'), points: c.validation, colour: 'red', dots: true }]}
        .xMax=${c.totalSteps} yLabel="nats/token" summary=${t('lossSummary', c.loss.at(-1)?.[1].toFixed(3) ?? '—')}></line-chart>`;
  }

  private table(r: SweepResultsView) {
    return html`<table>
      <thead><tr><th>${t('runColumn')}</th><th>${t('nColumn')}</th><th>${t('tokensColumn')}</th><th>${t('flopsColumn')}</th><th>${t('lossColumn')}</th></tr></thead>
      <tbody>${r.runs.map((run) => html`<tr><td>${run.name}</td><td>${run.non_embedding_parameters.toLocaleString('en-US')}</td><td>${run.tokens.toLocaleString('en-US')}</td><td>${run.flops.toExponential(2)}</td><td>${run.val_loss.toFixed(3)}</td></tr>`)}</tbody>
    </table>
    ${r.cancelled && r.not_run.length ? html`<p class="muted">${t('notRun', r.not_run.join(', '))}</p>` : nothing}`;
  }

  private fit(r: SweepResultsView) {
    const f = r.fit;
    if (!f) return html`<p>${t('noFit')}</p>`;
    return html`<p><strong>${t('fitLine', f.e.toFixed(3), f.a.toPrecision(4), f.alpha.toFixed(3))}</strong></p>
      <p>${t('alphaLine', f.alpha.toFixed(3), f.alpha_interval[0].toFixed(3), f.alpha_interval[1].toFixed(3), f.bootstrap_samples, r.kaplan_alpha_n)}</p>`;
  }

  private prediction(r: SweepResultsView, source: SweepView['source']) {
    const p = r.prediction;
    const c = r.check;
    const canCheck = source === 'run' && p !== null && c === null && !this.running;
    return html`${p ? html`<div class="row"><span>${t('predictionLine', p.name, p.non_embedding_parameters.toLocaleString('en-US'), p.tokens.toLocaleString('en-US'), p.predicted_val_loss.toFixed(3))}</span>
        ${canCheck ? html`<vscode-button @click=${() => this.request({ type: 'check', payload: {} })}>${t('checkButton')}</vscode-button>` : nothing}
        ${source === 'shipped' && c === null ? html`<span class="muted">${t('checkShippedNote')}</span>` : nothing}</div>` : nothing}
      ${c ? html`<p><strong>${t('checkedLine', c.name, c.val_loss.toFixed(3), c.predicted_val_loss.toFixed(3), ((100 * (c.val_loss - c.predicted_val_loss)) / c.predicted_val_loss).toFixed(1))}</strong></p>` : nothing}
      ${r.fit ? html`<p class="muted">${t('caveats')}</p>` : nothing}`;
  }

  private plots(r: SweepResultsView) {
    const runs = (x: (p: SweepResultsView['runs'][number]) => number): PlotPoint[] => r.runs.map((p) => ({ x: x(p), y: p.val_loss, label: `${p.name}: ${p.val_loss.toFixed(3)}` }));
    const p = r.prediction;
    const c = r.check;
    const ns = [...r.runs.map((run) => run.non_embedding_parameters), ...(p ? [p.non_embedding_parameters] : [])];
    const curve = r.fit ? lawCurve(r.fit, Math.min(...ns), Math.max(...ns)) : [];
    // Every run sees D = r·N tokens, so along the fitted sizes C = 6·N·D = 6·r·N².
    const curveC = curve.map(([n, loss]) => [6 * r.tokens_per_parameter * n * n, loss] as const);
    const legend = [t('legendRuns'), t('legendFit'), t('legendPredicted'), t('legendChecked')] as const;
    const summary = t('plotSummary', r.runs.length, r.fit?.alpha.toFixed(3) ?? '—');
    const predicted = (x: number) => (p ? { x, y: p.predicted_val_loss, label: `${p.name}: ${p.predicted_val_loss.toFixed(3)}` } : undefined);
    const checked = (x: number) => (c ? { x, y: c.val_loss, label: `${c.name}: ${c.val_loss.toFixed(3)}` } : undefined);
    return html`<div class="plots">
      <div>
        <h3>${t('plotN')}</h3>
        <scaling-plot id="plot-n" .runs=${runs((run) => run.non_embedding_parameters)} .curve=${curve} .predicted=${predicted(p?.non_embedding_parameters ?? 0)}
          .checked=${checked(c?.non_embedding_parameters ?? 0)} xLabel=${t('axisN')} yLabel=${t('axisLoss')} .legend=${legend} summary=${summary}></scaling-plot>
        <vscode-button secondary class="save-svg" data-plot="n" @click=${() => void this.exportPlot(this.plotN, 'scaling-loss-vs-n')}>${t('exportSvg')}</vscode-button>
      </div>
      <div>
        <h3>${t('plotC')}</h3>
        <scaling-plot id="plot-c" .runs=${runs((run) => run.flops)} .curve=${curveC} .predicted=${predicted(p?.flops ?? 0)}
          .checked=${checked(c?.flops ?? 0)} xLabel=${t('axisC')} yLabel=${t('axisLoss')} .legend=${legend} summary=${summary}></scaling-plot>
        <vscode-button secondary class="save-svg" data-plot="c" @click=${() => void this.exportPlot(this.plotC, 'scaling-loss-vs-c')}>${t('exportSvg')}</vscode-button>
        ${r.fit ? html`<p class="muted">${t('fitOnC')}</p>` : nothing}
      </div>
    </div>`;
  }

  private results() {
    const v = this.sweep;
    const r = v?.results;
    if (!v || !r) return nothing;
    return html`<h2>${t('results')}</h2>
      ${v.source === 'shipped' ? html`<p class="notice">${t('shippedNote', v.file)}</p>` : html`<p class="muted">${t('resultsOf', r.data.split(/[\\/]/).pop() ?? r.data, v.file)}</p>`}
      ${this.fit(r)}${this.plots(r)}${this.prediction(r, v.source)}
      <p class="muted">${t('recipe', r.recipe.n_layer, r.recipe.context, r.recipe.batch)}</p>
      ${this.table(r)}
      <div class="row"><vscode-button secondary class="save-results" @click=${() => this.request({ type: 'saveResults', payload: {} })}>${t('saveResults')}</vscode-button></div>`;
  }

  override render() {
    return html`<p>${t('intro')}</p>
      ${this.busy ? html`<p role="status" class="muted">${this.busy.message}</p>` : nothing}
      ${this.error ? html`<p role="alert" class="notice error">${this.error}</p>` : nothing}
      ${this.form()}${this.status()}${this.current()}${this.results()}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sweep-app': SweepApp;
  }
}
