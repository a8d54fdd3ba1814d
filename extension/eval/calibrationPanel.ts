// The host side of the Calibration panel: it draws what Show Surprise's scoring pass counted
// (engine/eval/calibration.ts, carried in the surprise report), so opening it runs no model. The
// webview keeps the last diagram across reloads; the host sends the current one when it has it.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Calibration } from '../engine/eval/calibration';
import { PanelController, type PanelContent } from '../panels/panelController';
import type { PanelKit } from '../panels/panelKit';
import { CALIBRATION_VIEW_TYPE, isCalibrationRequest, type CalibrationNotification, type CalibrationPanelState, type CalibrationRequest, type CalibrationView } from '../../webviews/calibration/protocol';
import { calibrationWebviewStrings } from './calibrationWebviewStrings';

export type CalibrationPanels = PanelController<CalibrationRequest, CalibrationNotification, CalibrationPanel>;

export function calibrationPanels(extensionUri: vscode.Uri): CalibrationPanels {
  return new PanelController(
    {
      viewType: CALIBRATION_VIEW_TYPE,
      title: () => vscode.l10n.t('Calibration'),
      script: 'calibration',
      isRequest: isCalibrationRequest,
      strings: calibrationWebviewStrings,
      create: (kit) => new CalibrationPanel(kit),
    },
    extensionUri,
  );
}

/** What the panel draws for a document's calibration; `selection` is true when only part of it was scored. */
export function calibrationView(document: vscode.TextDocument, calibration: Calibration, modelName: string, selection: boolean): CalibrationView {
  const file = document.isUntitled ? document.uri.path : path.basename(document.fileName);
  return {
    file,
    scope: selection ? vscode.l10n.t('the selection Show Surprise scored in {0}', document.uri.fsPath || file) : document.uri.fsPath || file,
    model: modelName,
    bins: calibration.bins.map(({ low, high, count, confidence, accuracy }) => ({ low, high, count, confidence, accuracy })),
    count: calibration.count,
    ece: calibration.ece,
    accuracy: calibration.accuracy,
  };
}

export class CalibrationPanel implements PanelContent<CalibrationRequest> {
  private current: CalibrationView | undefined;

  constructor(private readonly kit: PanelKit<CalibrationNotification>) {}

  async ready(_state: CalibrationPanelState | undefined): Promise<void> {
    if (this.current) await this.kit.post({ type: 'calibration', payload: this.current });
  }

  handle(_request: never): void {}

  async draw(view: CalibrationView): Promise<void> {
    this.current = view;
    await this.kit.post({ type: 'calibration', payload: view });
  }
}
