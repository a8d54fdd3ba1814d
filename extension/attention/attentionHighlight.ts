// Attention drawn on the file: with a query token chosen in the panel, each token it attends to
// gets a background whose strength follows the attention weight (a few fixed levels, as each
// level is its own decoration type), and the query token itself a border. Hovering a token in
// the editor gives its exact weight.
import * as vscode from 'vscode';
import { intensityLevels } from './intensityLevels';

export const HIGHLIGHT_LEVELS = 5;

/** Background alpha of each level: visible at the lowest, the text still readable at the highest. */
const ALPHAS = [0.1, 0.2, 0.32, 0.46, 0.62];
const DARK_RGB = '55, 148, 255';
const LIGHT_RGB = '0, 102, 191';

export interface HighlightTarget {
  readonly uri: vscode.Uri;
  /** The document version the offsets belong to: nothing is drawn once the document changed. */
  readonly version: number;
  /** Document offset of the inspected text's first character. */
  readonly offset: number;
}

export interface HighlightedToken {
  readonly index: number;
  readonly level: number;
  readonly start: number;
  readonly end: number;
}

export class AttentionHighlight implements vscode.Disposable {
  private readonly levels = ALPHAS.map((alpha) =>
    vscode.window.createTextEditorDecorationType({
      dark: { backgroundColor: `rgba(${DARK_RGB}, ${alpha})` },
      light: { backgroundColor: `rgba(${LIGHT_RGB}, ${alpha})` },
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    }),
  );
  private readonly queryDecoration = vscode.window.createTextEditorDecorationType({
    borderColor: new vscode.ThemeColor('charts.orange'),
    borderStyle: 'solid',
    borderWidth: '1px',
    fontWeight: 'bold',
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  private editor: vscode.TextEditor | undefined;
  private shown: HighlightedToken[] = [];
  // An edit moves the text under the decorations: what they showed no longer holds.
  private readonly edits = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.contentChanges.length && e.document === this.editor?.document) this.clear();
  });

  /** What is drawn now (document offsets), for the integration tests. */
  get highlighted(): readonly HighlightedToken[] {
    return this.shown;
  }

  /**
   * Draws the attention `row` of token `query` (weights over tokens 0..T−1, whose text ranges are
   * `spans`, offsets into the inspected text) in an editor showing the target document.
   */
  show(target: HighlightTarget, spans: readonly { start: number; end: number }[], row: ArrayLike<number>, query: number, queryText: string): void {
    this.clear();
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === target.uri.toString());
    if (!editor || editor.document.version !== target.version) return;
    const range = (i: number) =>
      new vscode.Range(editor.document.positionAt(target.offset + spans[i].start), editor.document.positionAt(target.offset + spans[i].end));
    const byLevel: vscode.DecorationOptions[][] = this.levels.map(() => []);
    intensityLevels(row, HIGHLIGHT_LEVELS).forEach((level, i) => {
      if (level === 0 || spans[i].end <= spans[i].start) return;
      const hover = new vscode.MarkdownString(vscode.l10n.t('Attention from {0}: {1}', `\`${queryText.replace(/`/g, "'")}\``, row[i].toFixed(3)));
      byLevel[level - 1].push({ range: range(i), hoverMessage: hover });
      this.shown.push({ index: i, level, start: target.offset + spans[i].start, end: target.offset + spans[i].end });
    });
    this.levels.forEach((decoration, l) => editor.setDecorations(decoration, byLevel[l]));
    const queryRange = range(query);
    editor.setDecorations(this.queryDecoration, [queryRange]);
    if (!editor.visibleRanges.some((r) => r.contains(queryRange))) editor.revealRange(queryRange, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    this.editor = editor;
  }

  clear(): void {
    for (const decoration of [...this.levels, this.queryDecoration]) this.editor?.setDecorations(decoration, []);
    this.editor = undefined;
    this.shown = [];
  }

  dispose(): void {
    this.edits.dispose();
    for (const decoration of [...this.levels, this.queryDecoration]) decoration.dispose();
  }
}
