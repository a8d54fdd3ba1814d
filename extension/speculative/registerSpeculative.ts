// Step 8's speculative decoding in the editor: "Speculative Decoding" opens the panel; the panel's
// serializer restores it after a reload.
import * as vscode from 'vscode';
import type { SpeculativeReport } from '../engine/generate/speculativeRun';
import { activeModel } from '../model/activeModel';
import { speculativePanels } from './speculativePanel';

/** What code (tests) may pass the command: a draft folder, and a prompt to decode at once. */
interface SpeculativeArgs {
  readonly draft?: string;
  readonly prompt?: string;
  readonly maxNewTokens?: number;
  readonly draftTokens?: number;
}

export function registerSpeculative(context: vscode.ExtensionContext): void {
  const panels = speculativePanels({ extensionUri: context.extensionUri, storage: context.globalStorageUri, memento: context.globalState, model: activeModel(context) });
  context.subscriptions.push(
    panels,
    vscode.commands.registerCommand('llmPipeline.speculativeDecoding', async (arg?: SpeculativeArgs): Promise<SpeculativeReport | undefined> => {
      const panel = panels.show();
      if (typeof arg?.draft === 'string') await panel.useDraft(arg.draft, 'chosen');
      if (typeof arg?.prompt !== 'string') return undefined;
      return panel.decode({ prompt: arg.prompt, maxNewTokens: arg.maxNewTokens ?? 40, draftTokens: arg.draftTokens ?? 4 });
    }),
  );
}
