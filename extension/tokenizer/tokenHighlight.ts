// The editor side of hovering a token chip: the token's range in the file is highlighted, and
// scrolled into view when it is off screen (keyboard users step through chips far apart).
import * as vscode from 'vscode';

export class TokenHighlight implements vscode.Disposable {
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor('llmPipeline.tokenHighlightBackground'),
    borderColor: new vscode.ThemeColor('llmPipeline.tokenHighlightBorder'),
    borderStyle: 'solid',
    borderWidth: '1px',
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  private editor: vscode.TextEditor | undefined;

  /**
   * Highlights [start, end) (document offsets) in an editor showing `uri`, unless the document
   * changed since `version`: then the offsets no longer point at the token.
   */
  show(uri: vscode.Uri, version: number, start: number, end: number): void {
    this.clear();
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
    if (!editor || editor.document.version !== version) return;
    const range = new vscode.Range(editor.document.positionAt(start), editor.document.positionAt(end));
    editor.setDecorations(this.decoration, [range]);
    if (!editor.visibleRanges.some((r) => r.contains(range))) {
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
    this.editor = editor;
  }

  clear(): void {
    this.editor?.setDecorations(this.decoration, []);
    this.editor = undefined;
  }

  dispose(): void {
    this.decoration.dispose();
  }
}
