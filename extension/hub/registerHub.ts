// Downloads from the Hugging Face Hub: the "Download Model from Hugging Face…" command.
import * as vscode from 'vscode';
import { activeModel } from '../model/activeModel';
import { downloadModelCommand } from './downloadModelCommand';

export function registerHub(context: vscode.ExtensionContext): void {
  const model = activeModel(context);
  context.subscriptions.push(
    vscode.commands.registerCommand('llmPipeline.downloadModel', (repo?: unknown) => downloadModelCommand(context, model, typeof repo === 'string' ? repo : undefined)),
  );
}
