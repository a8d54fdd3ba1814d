// The run as it trains: status and controls, step, speed and epochs, the loss curves (linear or
// log), a DPO run's reward accuracy, rewards and KL (preference-charts), the learning-rate schedule with the current step marked, the gradient norm and its split
// by layer, the newest text sample beside the one before, and the checkpoints.
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { baseStyles } from '../../shared/theme.css';
import type { ComparisonView, RunView } from '../protocol';
import { t, type TrainingStringKey } from '../strings';
import { count, duration } from '../format';
import type { LineChart } from './line-chart';

const STATUS: Record<RunView['status'], TrainingStringKey> = {
  starting: 'statusStarting', running: 'statusRunning', pausing: 'statusPausing', paused: 'statusPaused',
  stopping: 'statusStopping', stopped: 'statusStopped', finished: 'statusFinished', failed: 'statusFailed',
};

@customElement('run-monitor')
export class RunMonitor extends LitElement {
  static override styles = [
    baseStyles,
    css`
      .row { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 4px 0; }
      .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 8px 16px; }
      h3 { font-size: 1em; margin: 10px 0 2px; }
      progress { width: 16em; }
      .samples { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 8px; }
      .sample { border: 1px solid var(--vscode-widget-border, #8884); padding: 4px 8px; white-space: pre-wrap; }
      .prompt { font-weight: 600; }
      h2 { font-size: 1.15em; margin: 8px 0 4px; }
      .in-use { color: var(--vscode-charts-green); }
    `,
  ];

  @property({ attribute: false }) run!: RunView;
  @property({ attribute: false }) comparison: ComparisonView | undefined;
  @property({ type: Boolean }) log = false;
  /** The active model's folder: a checkpoint in use by the inspectors says so. */
  @property() activeFolder = '';
  @query('#loss') private lossChart!: LineChart;

  private ask(name: string, detail?: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }

  /** The loss chart's <svg>, for "Save as SVG / PNG". */
  get lossSvg(): SVGSVGElement | null {
    return this.lossChart?.svgElement ?? null;
  }

  private controls() {
    const s = this.run.status;
    const training = s === 'running' || s === 'starting';
    // A DPO run cannot be resumed (its reference log-probabilities belong to the run): Stop only.
    const dpo = this.run.objective === 'dpo';
    const resumable = !dpo && (s === 'paused' || s === 'stopped' || s === 'failed') && this.run.checkpoints.some((c) => c.which === 'last');
    return html`<div class="row">
      <strong role="status">${t(STATUS[s])}</strong>
      ${training ? html`${dpo ? nothing : html`<vscode-button secondary @click=${() => this.ask('pause')}>${t('pause')}</vscode-button>`}
        <vscode-button secondary @click=${() => this.ask('stop')}>${t('stop')}</vscode-button>` : nothing}
      ${resumable ? html`<vscode-button @click=${() => this.ask('resume')}>${t('resume')}</vscode-button>` : nothing}
    </div>
    ${this.run.message ? html`<p class="notice ${s === 'failed' ? 'error' : ''}">${this.run.message}</p>` : nothing}
    ${this.run.notes.map((note) => html`<p class="notice">${note}</p>`)}`;
  }

  private figures() {
    const r = this.run;
    const epochs = r.stepsPerEpoch ? r.step / r.stepsPerEpoch : 0;
    return html`<div class="row">
      <progress max=${r.totalSteps} .value=${r.step} aria-label=${t('stepLine', r.step, r.totalSteps)}></progress>
      <span>${t('stepLine', r.step, r.totalSteps)}</span>
      ${r.tokensPerSecond === undefined ? nothing : html`<span>${t('speedLine', Math.round(r.tokensPerSecond), ((r.mfu ?? 0) * 100).toFixed(1), duration(r.etaSeconds ?? NaN))}</span>`}
    </div>
    <div class="muted">${t('architectureLine', t(r.architecture === 'llama' ? 'architectureLlama' : 'architectureGpt2'))}</div>
    ${r.trainTokens ? html`<div class="muted">${t('epochLine', epochs.toFixed(2), count(r.trainTokens), count(r.parameters))}</div>` : nothing}`;
  }

  private charts() {
    const r = this.run;
    const loss = r.points.map((p) => [p.step, p.loss] as const);
    const validation = r.points.filter((p) => p.validationLoss !== undefined).map((p) => [p.step, p.validationLoss as number] as const);
    const lr = r.points.filter((p) => p.learningRate !== undefined).at(-1);
    const grad = r.points.filter((p) => p.gradNorm !== undefined).map((p) => [p.step, p.gradNorm as number] as const);
    const lastLoss = r.points.at(-1)?.loss;
    const lastValidation = validation.at(-1)?.[1];
    const dpo = r.objective === 'dpo';
    return html`<div class="charts">
      <div>
        <h3>${t(dpo ? 'dpoLossChart' : r.objective === 'sft' ? 'sftLossChart' : 'lossChart')}</h3>
        <div class="row">
          <vscode-checkbox ?checked=${this.log} @change=${(e: Event) => this.ask('log-scale', (e.target as HTMLInputElement).checked)}>${t('logScale')}</vscode-checkbox>
          <vscode-button secondary @click=${() => this.ask('export', 'svg')}>${t('exportSvg')}</vscode-button>
          <vscode-button secondary @click=${() => this.ask('export', 'png')}>${t('exportPng')}</vscode-button>
        </div>
        <line-chart id="loss" .series=${[{ label: t('trainingLoss'), points: loss, colour: 'blue' }, { label: t(dpo ? 'heldOutLoss' : 'validationLoss'), points: validation, colour: 'red', dots: true }]}
          .xMax=${r.totalSteps} .log=${this.log} yLabel=${dpo ? 'nats/pair' : 'nats/token'}
          summary=${t(dpo ? 'dpoLossSummary' : 'lossSummary', lastLoss?.toFixed(3) ?? '—', lastValidation?.toFixed(3) ?? '—')}></line-chart>
      </div>
      ${dpo ? html`<preference-charts .run=${r}></preference-charts>` : nothing}
      <div>
        <h3>${t('lrChart')}</h3>
        <line-chart .series=${[{ label: t('lrChart'), points: r.schedule, colour: 'green', dashed: true }]} .xMax=${r.totalSteps} yLabel="lr"
          .marker=${lr ? { x: lr.step, y: lr.learningRate as number } : undefined} summary=${t('lrSummary', lr?.learningRate?.toExponential(2) ?? '—')}></line-chart>
      </div>
      <div>
        <h3>${t('gradChart')}</h3>
        <line-chart .series=${[{ label: '‖g‖', points: grad, colour: 'purple' }]} .xMax=${r.totalSteps} .log=${true} yLabel="‖g‖"
          summary=${t('gradSummary', grad.at(-1)?.[1].toFixed(3) ?? '—')}></line-chart>
      </div>
      <div>
        <h3>${t('heatmap')}</h3>
        <layer-heatmap .layers=${r.layers} .points=${r.points} .xMax=${r.totalSteps} summary=${t('heatmapSummary')}></layer-heatmap>
      </div>
    </div>`;
  }

  private samples() {
    const shown = this.run.samples.slice(-2).reverse();
    return html`<h3>${t('samples')}</h3>
      ${shown.length === 0 ? html`<p class="muted">${t('noSamples')}</p>` : html`<div class="samples">
        ${shown.map((s) => html`<div class="sample" aria-label=${t('sampleAt', s.step)}><div class="muted">${t('sampleAt', s.step)}</div><span class="prompt">${s.prompt}</span>${s.text}</div>`)}
      </div>`}`;
  }

  private checkpoints() {
    const list = this.run.checkpoints;
    const c = this.comparison;
    return html`<h3>${t('checkpoints')}</h3>
      ${list.length === 0 ? html`<p class="muted">${t('noCheckpoints')}</p>` : list.map((k) => html`<div class="row">
        <span>${t('checkpointLine', k.which, k.step, k.validationLoss?.toFixed(3) ?? '—')}</span>
        ${k.folder === this.activeFolder ? html`<span class="in-use">${t('inUse')}</span>` : html`<vscode-button secondary @click=${() => this.ask('use-checkpoint', k.which)}>${t('useInInspectors')}</vscode-button>`}
        <vscode-button secondary @click=${() => this.ask('compare', k.which)}>${t('compareWithBase')}</vscode-button>
      </div>`)}
      <div class="row"><vscode-button secondary @click=${() => this.ask('open-card')}>${t('modelCard')}</vscode-button>
        ${this.run.architecture === 'gpt2' ? html`<vscode-button secondary @click=${() => this.ask('export-pytorch')}>${t('exportPyTorch')}</vscode-button>` : nothing}</div>
      ${c ? html`<h3>${t('comparison', c.seed)}</h3><div class="samples">
        ${c.columns.map((col) => html`<div class="sample"><div class="muted">${col.label}</div><span class="prompt">${c.prompt}</span>${col.text}</div>`)}
      </div>` : nothing}`;
  }

  override render() {
    if (!this.run) return nothing;
    return html`<h2>${t('run')}: ${this.run.data}</h2>${this.controls()}${this.figures()}${this.charts()}${this.samples()}${this.checkpoints()}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'run-monitor': RunMonitor;
  }
}
