// Token boundaries drawn on the file itself: while the toggle is on, the tokens of the
// selection (or of the visible lines when nothing is selected) get alternating backgrounds,
// redrawn as the selection, the scroll position, the text or the tokenizer change.
import * as vscode from 'vscode';
import { log } from '../log';
import { isTextEditor, maxSelectionBytes, utf8Prefix } from './selectionText';
import type { TokenizerCatalog } from './tokenizerCatalog';

const REDRAW_DELAY_MS = 250;

/** One painted token: its document offsets, and whether it has the odd tokens' background. */
export interface PaintedToken {
  readonly start: number;
  readonly end: number;
  readonly odd: boolean;
}
/** Decorations beyond this many tokens slow the editor down more than they teach. */
const MAX_DECORATED_TOKENS = 20_000;

export class TokenBoundaries implements vscode.Disposable {
  // Each token gets a thin box as well as its background, so the boundaries stay visible over
  // the selection's own highlight.
  private readonly even = vscode.window.createTextEditorDecorationType(tokenStyle('llmPipeline.tokenBoundary.evenBackground'));
  private readonly odd = vscode.window.createTextEditorDecorationType(tokenStyle('llmPipeline.tokenBoundary.oddBackground'));
  private readonly disposables: vscode.Disposable[] = [];
  private on = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private drawn: vscode.TextEditor | undefined;
  private generation = 0;
  /**
   * The tokens painted now, as document offsets in order, each with the background it got (what a
   * test can check; the editor API cannot read decorations back).
   */
  painted: readonly PaintedToken[] = [];

  constructor(private readonly catalog: TokenizerCatalog) {
    const redraw = () => this.scheduleRedraw();
    this.disposables.push(
      vscode.window.onDidChangeTextEditorSelection(redraw),
      vscode.window.onDidChangeTextEditorVisibleRanges(redraw),
      vscode.window.onDidChangeActiveTextEditor(redraw),
      vscode.workspace.onDidChangeTextDocument(redraw),
      catalog.onDidChange(redraw),
    );
  }

  async toggle(): Promise<void> {
    this.on = !this.on;
    if (this.on) await this.redraw();
    else this.clear();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.even.dispose();
    this.odd.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }

  private scheduleRedraw(): void {
    if (!this.on) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.redraw(), REDRAW_DELAY_MS);
  }

  /** Tokenizes the selection, or the visible range, and paints every other token. */
  private async redraw(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const generation = ++this.generation;
    if (!isTextEditor(editor)) return;
    const document = editor.document;
    const range = editor.selection.isEmpty ? visibleRange(editor) : editor.selection;
    if (!range) return;
    const version = document.version;
    const text = utf8Prefix(document.getText(range), maxSelectionBytes());
    const base = document.offsetAt(range.start);
    try {
      const spans = (await this.catalog.encode(this.catalog.activeId, text)).slice(0, MAX_DECORATED_TOKENS);
      if (generation !== this.generation || document.version !== version || !this.on) return;
      const painted = spans.flatMap((s, i) => (s.end > s.start ? [{ start: base + s.start, end: base + s.end, odd: i % 2 === 1 }] : []));
      const ranges = (odd: boolean) => painted.filter((p) => p.odd === odd).map((p) => new vscode.Range(document.positionAt(p.start), document.positionAt(p.end)));
      if (this.drawn && this.drawn !== editor) this.clear();
      editor.setDecorations(this.even, ranges(false));
      editor.setDecorations(this.odd, ranges(true));
      this.drawn = editor;
      this.painted = painted;
    } catch (error) {
      log().error(`token boundaries: ${(error as Error).message}`);
      void vscode.window.showErrorMessage((error as Error).message);
      this.on = false;
      this.clear();
    }
  }

  private clear(): void {
    this.drawn?.setDecorations(this.even, []);
    this.drawn?.setDecorations(this.odd, []);
    this.drawn = undefined;
    this.painted = [];
  }
}

function tokenStyle(background: string): vscode.DecorationRenderOptions {
  return {
    backgroundColor: new vscode.ThemeColor(background),
    border: '1px solid',
    borderColor: new vscode.ThemeColor('llmPipeline.tokenBoundary.border'),
    borderRadius: '2px',
  };
}

/** From the first to the last visible line (folded regions in between included). */
function visibleRange(editor: vscode.TextEditor): vscode.Range | undefined {
  const ranges = editor.visibleRanges;
  if (!ranges.length) return undefined;
  const last = ranges[ranges.length - 1].end.line;
  return new vscode.Range(ranges[0].start.line, 0, last, editor.document.lineAt(last).range.end.character);
}
