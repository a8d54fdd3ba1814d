// Step 3 (output processing) in the editor: the "Decoding Playground" command and the panel's
// serializer. The model is the one "Choose Model Folder…" picked (or the bundled one), opened
// only when the panel first needs it.
import * as vscode from 'vscode';
import type { DecodingNotification, DecodingRequest } from '../../webviews/decoding/protocol';
import { activeModel } from '../model/activeModel';
import { registerPanelSerializer } from '../panels/panelSerializer';
import { isTextEditor, selectionSource } from '../tokenizer/selectionText';
import { DecodingPanel, MAX_PROMPT_SELECTION, decodingPanelSpec, type DecodingPanelDeps, type PromptSource } from './decodingPanel';

export function registerDecoding(context: vscode.ExtensionContext): void {
  const deps: DecodingPanelDeps = { extensionUri: context.extensionUri, model: activeModel(context) };
  context.subscriptions.push(
    vscode.commands.registerCommand('llmPipeline.decodingPlayground', () => DecodingPanel.show(deps, selectedPrompt())),
    registerPanelSerializer<DecodingRequest, DecodingNotification>(decodingPanelSpec(), context.extensionUri, (host) => DecodingPanel.restore(deps, host)),
  );
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
