// The host-side controller of the quantization lab (Step 6). It writes the active model's fp16,
// int8 and int4 variants into the extension's storage and measures them in a child process
// (engine/quantize/labWorker.ts), with progress and cancel, then posts the table to the webview.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { startQuantizationLab } from '../engine/quantize/labJob';
import type { LabResult } from '../engine/quantize/labProtocol';
import type { ActiveModel } from '../model/activeModel';
import { PanelController, type PanelContent } from '../panels/panelController';
import type { PanelKit } from '../panels/panelKit';
import type { OwnRequest } from '../../webviews/shared/protocol';
import {
  QUANTIZATION_VIEW_TYPE,
  isQuantizationRequest,
  type QuantizationNotification,
  type QuantizationPanelState,
  type QuantizationRequest,
} from '../../webviews/quantization/protocol';
import { quantizationWebviewStrings } from './webviewStrings';

export interface QuantizationPanelDeps {
  readonly extensionUri: vscode.Uri;
  readonly storage: vscode.Uri;
  readonly model: ActiveModel;
}

export const SAMPLE_TEXT_PATH = ['walkthroughs', 'training-sample', 'stories.txt'] as const;

export type QuantizationPanels = PanelController<QuantizationRequest, QuantizationNotification, QuantizationPanel>;

export function quantizationPanels(deps: QuantizationPanelDeps): QuantizationPanels {
  return new PanelController(
    {
      viewType: QUANTIZATION_VIEW_TYPE,
      title: () => vscode.l10n.t('Compare Quantizations'),
      script: 'quantization',
      isRequest: isQuantizationRequest,
      strings: quantizationWebviewStrings,
      create: (kit) => new QuantizationPanel(kit, deps),
    },
    deps.extensionUri,
  );
}

export class QuantizationPanel implements PanelContent<QuantizationRequest>, vscode.Disposable {
  private file: string;
  private blockSize: QuantizationPanelState['blockSize'] = 32;
  private readonly listener: vscode.Disposable;

  constructor(
    private readonly kit: PanelKit<QuantizationNotification>,
    private readonly deps: QuantizationPanelDeps,
  ) {
    this.file = vscode.Uri.joinPath(deps.extensionUri, ...SAMPLE_TEXT_PATH).fsPath;
    this.listener = deps.model.onDidChange(() => void this.postSetup());
  }

  dispose(): void {
    this.listener.dispose();
  }

  async ready(state: QuantizationPanelState | undefined): Promise<void> {
    if (state) this.blockSize = state.blockSize;
    await this.postSetup();
  }

  handle(request: OwnRequest<QuantizationRequest>): Promise<void> | void {
    switch (request.type) {
      case 'run':
        this.blockSize = request.payload.blockSize;
        return void this.measure();
      case 'chooseFile':
        return this.chooseFile();
      case 'cancel':
        return this.kit.tasks.cancelRunning();
    }
  }

  /** Quantizes and measures the active model on the current text (the command and the Run button). */
  measure(): Promise<LabResult | undefined> {
    return this.kit.tasks.replace(async (signal) => {
      const model = await this.deps.model.runnableFolder();
      if (!model) throw new Error(vscode.l10n.t('There is no model to quantize: choose a model folder first.'));
      const out = vscode.Uri.joinPath(this.deps.storage, 'quantization', path.basename(model)).fsPath;
      await this.kit.busy({ task: 'quantize', message: vscode.l10n.t('Writing the variants, then measuring them…') });
      try {
        const result = await this.kit.progress(
          vscode.l10n.t('Comparing quantizations of {0}', path.basename(model)),
          (report) => {
            const job = startQuantizationLab(
              { type: 'start', model, out, file: this.file, blockSize: this.blockSize, maxTokens: vscode.workspace.getConfiguration('llmPipeline.quantization').get<number>('maxTokens') },
              vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'quantizeWorker.js').fsPath,
              (p) => p.stage === 'measure' && report(p.done, p.total),
            );
            signal.addEventListener('abort', () => job.cancel());
            return job.finished;
          },
          () => this.kit.tasks.cancelRunning(),
        );
        await this.kit.post({ type: 'result', payload: result });
        return result;
      } finally {
        await this.kit.busy(null);
      }
    });
  }

  /** Measures on `file` from now on. */
  useFile(file: string): void {
    this.file = file;
    void this.postSetup();
  }

  private async chooseFile(): Promise<void> {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: vscode.l10n.t('Measure on This Text'), filters: { [vscode.l10n.t('Text')]: ['txt', 'md'] } });
    if (picked?.[0]) this.useFile(picked[0].fsPath);
  }

  private postSetup(): Thenable<boolean> {
    const model = this.deps.model.folder;
    return this.kit.post({ type: 'setup', payload: { model: model ? path.basename(model) : '', file: path.basename(this.file) } });
  }
}
