// The training panel (Step 4): the form for the next run above, the run as it trains below. The
// form is kept across reloads (setState); the run lives in the host and comes back from it.
import { css, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { exportData } from '../../shared/exportImage';
import { PanelApp } from '../../shared/panelApp';
import type { ImageFormat, KitNotification } from '../../shared/protocol';
import { baseStyles, panelLayoutStyles } from '../../shared/theme.css';
import type { ComparisonView, DataPreview, EstimateView, RunView, SetupView, TrainingNotification, TrainingPanelState, TrainingRequest, TrainingSettings } from '../protocol';
import { t } from '../strings';
import type { RunMonitor } from './run-monitor';

@customElement('training-app')
export class TrainingApp extends PanelApp<TrainingNotification, TrainingRequest> {
  static override styles = [baseStyles, panelLayoutStyles, css`summary { font-weight: 600; margin: 12px 0 4px; cursor: pointer; }`];

  @state() private setup: SetupView | undefined;
  @state() private settings: TrainingSettings | undefined;
  @state() private estimate: EstimateView | undefined;
  @state() private run: RunView | null = null;
  @state() private comparison: ComparisonView | undefined;
  @state() private logScale = false;
  @state() private preview: DataPreview | undefined;
  /** What the last preview was asked for: the data, the settings it depends on, and the setup it came with. */
  private previewKey = '';
  private setups = 0;
  @query('run-monitor') private monitor!: RunMonitor | null;

  protected override restore(saved: TrainingPanelState): void {
    this.settings = saved.settings;
    this.logScale = saved.logScale;
  }

  protected override savedState(): TrainingPanelState {
    return { settings: this.settings ?? (this.setup as SetupView).defaults, logScale: this.logScale };
  }

  protected override receive(message: Exclude<TrainingNotification, KitNotification>): void {
    switch (message.type) {
      case 'setup':
        this.setup = message.payload;
        // A form saved before a setting existed gets that setting's default.
        this.settings = { ...message.payload.defaults, ...this.settings };
        this.setups++;
        this.save();
        this.askPreview();
        break;
      case 'dataPreview':
        this.preview = message.payload;
        this.error = '';
        break;
      case 'settings':
        this.changeSettings(message.payload);
        break;
      case 'estimate':
        this.estimate = message.payload;
        this.error = '';
        break;
      case 'run':
        this.run = message.payload;
        break;
      case 'comparison':
        this.comparison = message.payload;
        this.error = '';
        break;
    }
  }

  private changeSettings(settings: TrainingSettings): void {
    this.settings = settings;
    this.estimate = undefined;
    this.save();
    this.askPreview();
  }

  /** SFT and DPO data is read (and checked) as soon as it is chosen, and again when what the reading depends on changes. */
  private askPreview(): void {
    const settings = this.settings;
    const objective = settings?.objective;
    const data = objective && objective !== 'text' ? this.setup?.instructData[objective] : undefined;
    if (!settings || !data) return;
    const key = JSON.stringify([objective, data.label, settings.allTokens, settings.contextLength, this.setup?.activeModel.folder, this.setups]);
    if (key === this.previewKey) return;
    this.previewKey = key;
    this.preview = undefined;
    this.request({ type: 'previewData', payload: { settings } });
  }

  private async exportLoss(format: ImageFormat): Promise<void> {
    const svg = this.monitor?.lossSvg;
    if (svg) this.exportImage('training-loss', format, await exportData(svg, format));
  }

  override render() {
    const settings = this.settings;
    const training = this.run !== null && ['starting', 'running', 'pausing', 'stopping'].includes(this.run.status);
    const form = settings
      ? html`<run-form .setup=${this.setup} .settings=${settings} .estimate=${this.estimate} .preview=${this.preview} ?training=${training} ?busy=${this.busy !== null}
          @settings-change=${(e: CustomEvent<TrainingSettings>) => this.changeSettings(e.detail)}
          @choose-data=${(e: CustomEvent<'file' | 'folder' | 'sample'>) => this.request({ type: 'chooseData', payload: { kind: e.detail, objective: settings.objective } })}
          @estimate=${() => this.request({ type: 'estimate', payload: { settings } })}
          @start=${() => this.request({ type: 'start', payload: { settings } })}></run-form>`
      : nothing;
    return html`
      ${this.busy ? html`<p role="status" class="muted">${this.busy.message}</p>` : nothing}
      ${this.error ? html`<p role="alert" class="notice error">${this.error}</p>` : nothing}
      ${this.run ? html`<run-monitor .run=${this.run} .comparison=${this.comparison} ?log=${this.logScale} activeFolder=${this.setup?.activeModel.folder ?? ''}
        @pause=${() => this.request({ type: 'pause', payload: {} })}
        @resume=${() => this.request({ type: 'resume', payload: {} })}
        @stop=${() => this.request({ type: 'stop', payload: {} })}
        @use-checkpoint=${(e: CustomEvent<'last' | 'best'>) => this.request({ type: 'useCheckpoint', payload: { which: e.detail } })}
        @compare=${(e: CustomEvent<'last' | 'best'>) => this.request({ type: 'compareWithBase', payload: { which: e.detail } })}
        @open-card=${() => this.request({ type: 'openRunFolder', payload: {} })}
        @export-pytorch=${() => this.request({ type: 'exportPyTorch', payload: {} })}
        @log-scale=${(e: CustomEvent<boolean>) => { this.logScale = e.detail; this.save(); }}
        @export=${(e: CustomEvent<ImageFormat>) => void this.exportLoss(e.detail)}></run-monitor>
        <details ?open=${!training}><summary>${t('nextRun')}</summary>${form}</details>` : form}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'training-app': TrainingApp;
  }
}
