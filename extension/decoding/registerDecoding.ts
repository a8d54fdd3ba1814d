// Step 3 (output processing) in the editor: the "Decoding Playground" command and the panel's
// serializer. The model is the one "Choose Model Folder…" picked (or the bundled one), opened
// only when the panel first needs it.
import * as vscode from 'vscode';
import { activeModel } from '../model/activeModel';
import { connectedServer } from './remoteConnection';
import { isTextEditor, selectionSource } from '../tokenizer/selectionText';
import { MAX_PROMPT_SELECTION, decodingPanels, type PromptSource } from './decodingPanel';
import { registerRemoteDecoding } from './registerRemoteDecoding';

export function registerDecoding(context: vscode.ExtensionContext): void {
  const panels = decodingPanels({ extensionUri: context.extensionUri, model: activeModel(context), remoteServer: () => connectedServer(context.secrets) });
  context.subscriptions.push(
    panels,
    vscode.commands.registerCommand('llmPipeline.decodingPlayground', () => {
      const prompt = selectedPrompt();
      const panel = panels.show();
      if (prompt) panel.setPrompt(prompt);
    }),
  );
  registerRemoteDecoding(context, panels);
}

/** The active editor's selection as the prompt (its end, when it is very long); undefined without one. */
function selectedPrompt(): PromptSource | undefined {
  const editor = vscode.window.activeTextEditor;
  const selected = isTextEditor(editor) ? selectionSource(editor) : undefined;
  if (!selected) return undefined;
  const { text, label, link } = selected;
  if (text.length <= MAX_PROMPT_SELECTION) return { text, label, uri: link?.uri };
  return { text: text.slice(text.length - MAX_PROMPT_SELECTION), label, uri: link?.uri, cutFrom: text.length };
}
