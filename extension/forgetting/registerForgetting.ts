// Step 8's continual learning in the editor: "Plot Forgetting (Continual Learning)" opens the panel
// (which shows the shipped result until the user runs their own); its serializer restores it after a reload.
import * as vscode from 'vscode';
import type { ForgettingSettings } from '../../webviews/forgetting/protocol';
import { activeModel } from '../model/activeModel';
import type { ForgettingResultFile } from './forgettingResult';
import { forgettingPanels, type ForgettingRunExtras } from './forgettingPanel';

/** What code (tests) may pass the command: texts to use, and a run to start at once. */
interface ForgettingArgs {
  readonly newData?: string;
  readonly oldValidation?: string;
  readonly run?: ForgettingSettings & ForgettingRunExtras;
}

export function registerForgetting(context: vscode.ExtensionContext): void {
  const panels = forgettingPanels({ extensionUri: context.extensionUri, storage: context.globalStorageUri, model: activeModel(context) });
  context.subscriptions.push(
    panels,
    vscode.commands.registerCommand('llmPipeline.plotForgetting', async (arg?: ForgettingArgs): Promise<ForgettingResultFile | undefined> => {
      const panel = panels.show();
      if (arg?.newData !== undefined || arg?.oldValidation !== undefined) await panel.useFiles({ newData: arg.newData, oldValidation: arg.oldValidation });
      if (!arg?.run) return undefined;
      const { replayRatio, steps, ...extras } = arg.run;
      return panel.run({ replayRatio, steps }, extras);
    }),
  );
}
