// Step 8's calculator in the editor: "Model Size Calculator" opens the panel; its serializer
// brings it back after a reload.
import * as vscode from 'vscode';
import { activeModel } from '../model/activeModel';
import { calculatorPanels } from './calculatorPanel';

export function registerCalculator(context: vscode.ExtensionContext): void {
  const panels = calculatorPanels({ extensionUri: context.extensionUri, model: activeModel(context) });
  context.subscriptions.push(panels, vscode.commands.registerCommand('llmPipeline.modelSizeCalculator', () => panels.show()));
}
