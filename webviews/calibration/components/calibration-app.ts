// The Calibration panel (Step 7): the reliability diagram of the first choice's probability over
// a file Show Surprise scored, with the figures it sums up (expected calibration error, top-1
// accuracy), which way the model leans, and a paragraph on how to read it. The last diagram is
// kept across reloads; "Save as SVG / PNG" goes through the kit's export.
import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { exportData } from '../../shared/exportImage';
import { PanelApp } from '../../shared/panelApp';
import type { ImageFormat, KitNotification } from '../../shared/protocol';
import { baseStyles, panelLayoutStyles } from '../../shared/theme.css';
import type { CalibrationNotification, CalibrationPanelState, CalibrationRequest, CalibrationView } from '../protocol';
import { leaning } from '../reliabilityGeometry';
import { t } from '../strings';
import type { ReliabilityDiagram } from './reliability-diagram';

@customElement('calibration-app')
export class CalibrationApp extends PanelApp<CalibrationNotification, CalibrationRequest> {
  static override styles = [
    baseStyles,
    panelLayoutStyles,
    css`
      .figures { font-variant-numeric: tabular-nums; }
      .actions { display: flex; gap: 8px; margin: 6px 0; }
      p.explanation { max-width: 60em; }
    `,
  ];

  @state() private view: CalibrationView | undefined;

  protected override restore(saved: CalibrationPanelState): void {
    this.view = saved.view;
  }

  protected override savedState(): CalibrationPanelState {
    return { view: this.view };
  }

  protected override receive(message: Exclude<CalibrationNotification, KitNotification>): void {
    this.view = message.payload;
    this.error = '';
    this.save();
  }

  private async export(format: ImageFormat): Promise<void> {
    const svg = this.renderRoot.querySelector<ReliabilityDiagram>('reliability-diagram')?.svgElement;
    if (svg) this.exportImage('reliability-diagram', format, await exportData(svg, format));
  }

  override render() {
    const view = this.view;
    const pct = (p: number) => `${(p * 100).toFixed(1)}%`;
    const lean = view && leaning(view.bins);
    return html`
      ${this.busy ? html`<p role="status" class="muted">${this.busy.message}</p>` : nothing}
      ${this.error ? html`<p role="alert" class="notice error">${this.error}</p>` : nothing}
      ${view
        ? html`<h2>${t('heading', view.file, view.model)}</h2>
            <p class="muted">${view.scope}</p>
            <p class="figures" role="status">${t('figures', view.count, pct(view.accuracy), view.ece.toFixed(4))}</p>
            <p>${lean ? t(lean.verdict, `${lean.meanGap >= 0 ? '+' : '−'}${Math.abs(lean.meanGap * 100).toFixed(1)}`) : nothing}</p>
            <reliability-diagram .view=${view}></reliability-diagram>
            <div class="actions">
              <vscode-button secondary data-export="svg" @click=${() => this.export('svg')}>${t('exportSvg')}</vscode-button>
              <vscode-button secondary data-export="png" @click=${() => this.export('png')}>${t('exportPng')}</vscode-button>
            </div>`
        : html`<p class="muted">${t('empty')}</p>`}
      <p class="explanation">${t('explanation')}</p>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'calibration-app': CalibrationApp;
  }
}
