// "Insert at cursor": puts a continuation into the editor the prompt came from (opening it again
// if it was closed) or, for a typed prompt, the editor last used. With a selection it goes right
// after the selection, i.e. after the prompt the model continued.
import * as vscode from 'vscode';
import { isTextEditor } from '../tokenizer/selectionText';

async function targetEditor(source: vscode.Uri | undefined): Promise<vscode.TextEditor | undefined> {
  if (source) {
    const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === source.toString());
    if (visible) return visible;
    const document = await vscode.workspace.openTextDocument(source);
    return vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, preserveFocus: true });
  }
  const active = vscode.window.activeTextEditor;
  if (isTextEditor(active)) return active;
  return vscode.window.visibleTextEditors.find(isTextEditor);
}

/** Inserts `text`; returns the document it went into, or throws when there is no editor. */
export async function insertAtCursor(text: string, source: vscode.Uri | undefined): Promise<vscode.TextDocument> {
  const editor = await targetEditor(source);
  if (!editor) throw new Error(vscode.l10n.t('Open an editor to insert the continuation into.'));
  const selection = editor.selection;
  const at = selection.isEmpty ? selection.active : selection.end;
  const done = await editor.edit((edit) => edit.insert(at, text));
  if (!done) throw new Error(vscode.l10n.t('{0} could not be edited.', vscode.workspace.asRelativePath(editor.document.uri)));
  return editor.document;
}
