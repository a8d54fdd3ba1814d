// Step 6's quantization lab in the editor: "Compare Quantizations" opens the panel and measures the
// active model at once; the panel's serializer restores it after a reload.
import * as vscode from 'vscode';
import type { LabResult } from '../engine/quantize/labProtocol';
import { activeModel } from '../model/activeModel';
import { quantizationPanels } from './quantizationPanel';

export function registerQuantization(context: vscode.ExtensionContext): void {
  const panels = quantizationPanels({ extensionUri: context.extensionUri, storage: context.globalStorageUri, model: activeModel(context) });
  context.subscriptions.push(
    panels,
    // `file` (code only: tests) measures on that text instead of the panel's; the measurements are returned.
    vscode.commands.registerCommand('llmPipeline.compareQuantizations', (arg?: { file?: string }): Promise<LabResult | undefined> => {
      const panel = panels.show();
      if (typeof arg?.file === 'string') panel.useFile(arg.file);
      return panel.measure();
    }),
  );
}
