// Chunk boundaries drawn on the files of attached folders: a dashed line above the line where
// each chunk starts, with its number and token count at the end of that line; and opening a
// retrieved chunk at its range.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { IndexedChunk } from '../engine/rag/ragIndex';
import { toPosix } from '../engine/files/insideFolder';
import type { RagFolders } from './ragFolders';

export async function openChunk(file: string, chunk: IndexedChunk, panelColumn: vscode.ViewColumn | undefined): Promise<void> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const range = new vscode.Range(document.positionAt(chunk.start), document.positionAt(chunk.end));
  // Never in the panel's own group, where the file would hide the rankings it was picked from.
  const viewColumn = panelColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
  await vscode.window.showTextDocument(document, { selection: range, viewColumn, preserveFocus: false });
}

export class ChunkDecorations implements vscode.Disposable {
  private readonly type = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    borderStyle: 'dashed',
    borderColor: new vscode.ThemeColor('editorRuler.foreground'),
    borderWidth: '1px 0 0 0',
  });
  private readonly disposables: vscode.Disposable[];
  /** Chunk starts drawn in the visible editors, for the integration tests. */
  painted = 0;

  constructor(private readonly folders: RagFolders) {
    this.disposables = [
      this.type,
      vscode.window.onDidChangeVisibleTextEditors(() => void this.refresh()),
      folders.onDidChange(() => void this.refresh()),
    ];
  }

  async refresh(): Promise<void> {
    let painted = 0;
    for (const editor of vscode.window.visibleTextEditors) {
      const chunks = await this.chunksOf(editor.document.uri);
      const options = chunks.map((c): vscode.DecorationOptions => {
        const line = editor.document.positionAt(c.start).line;
        return {
          range: new vscode.Range(line, 0, line, 0),
          hoverMessage: vscode.l10n.t('RAG chunk {0}: {1} tokens, {2}', c.id, c.tokenCount, c.title || vscode.l10n.t('no section title')),
          renderOptions: { after: { contentText: `  ⟨chunk ${c.id.slice(c.id.lastIndexOf('#') + 1)} · ${c.tokenCount} tokens⟩`, color: new vscode.ThemeColor('editorCodeLens.foreground') } },
        };
      });
      editor.setDecorations(this.type, options);
      painted += options.length;
    }
    this.painted = painted;
  }

  dispose(): void {
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }

  /** The chunks of a file in an attached folder whose index is loaded; none otherwise. */
  private async chunksOf(uri: vscode.Uri): Promise<IndexedChunk[]> {
    if (uri.scheme !== 'file') return [];
    for (const root of this.folders.roots) {
      const relative = path.relative(root, uri.fsPath);
      if (relative.startsWith('..') || path.isAbsolute(relative)) continue;
      if (!this.folders.loaded(root)) return [];
      return this.folders.chunksOf(root, toPosix(relative));
    }
    return [];
  }
}
