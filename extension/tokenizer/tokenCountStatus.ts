// The status-bar item that counts the selection's tokens under the active tokenizer ("42
// tokens"; the tooltip names the tokenizer). It shows only while something is selected;
// clicking it opens the tokenizer panel.
import * as vscode from 'vscode';
import { isTextEditor, maxSelectionBytes, utf8Length } from './selectionText';
import type { TokenizerCatalog } from './tokenizerCatalog';

const UPDATE_DELAY_MS = 250;

export class TokenCountStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('llmPipeline.tokenCount', vscode.StatusBarAlignment.Right, 100);
  private readonly disposables: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;
  private shown = false;
  /** The last count, so moving between editors does not encode the same selection again. */
  private last: { readonly id: string; readonly text: string; readonly count: number } | undefined;

  constructor(private readonly catalog: TokenizerCatalog) {
    this.item.name = vscode.l10n.t('Token count');
    this.item.command = 'llmPipeline.tokenizeSelection';
    const update = () => this.schedule();
    this.disposables.push(
      vscode.window.onDidChangeTextEditorSelection(update),
      vscode.window.onDidChangeActiveTextEditor(update),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('llmPipeline.tokenizer') && update()),
      catalog.onDidChange(update),
    );
    this.schedule();
  }

  /** What the item says now ('' while hidden). */
  get text(): string {
    return this.shown ? this.item.text : '';
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.item.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }

  /** Waits for the selection to settle: longer for a long selection, whose count takes longer. */
  private schedule(): void {
    clearTimeout(this.timer);
    const editor = vscode.window.activeTextEditor;
    const length = editor ? editor.document.offsetAt(editor.selection.end) - editor.document.offsetAt(editor.selection.start) : 0;
    this.timer = setTimeout(() => void this.update(), UPDATE_DELAY_MS + Math.round(length / 1024));
  }

  private async update(): Promise<void> {
    const generation = ++this.generation;
    const editor = vscode.window.activeTextEditor;
    const enabled = vscode.workspace.getConfiguration('llmPipeline.tokenizer').get<boolean>('statusBar', true);
    if (!enabled || !isTextEditor(editor) || editor.selection.isEmpty) return this.hide();
    const text = editor.document.getText(editor.selection);
    const label = this.catalog.label(this.catalog.activeId);
    if (utf8Length(text) > maxSelectionBytes()) {
      this.show(vscode.l10n.t('$(symbol-text) too long to count'), vscode.l10n.t('The selection is over the size limit (llmPipeline.tokenizer.maxSelectionBytes).'));
      return;
    }
    try {
      const id = this.catalog.activeId;
      const count = this.last?.id === id && this.last.text === text ? this.last.count : await this.catalog.countTokens(id, text);
      this.last = { id, text, count };
      if (generation !== this.generation) return;
      this.show(
        vscode.l10n.t('$(symbol-text) {0} tokens', count.toLocaleString()),
        vscode.l10n.t('{0} tokens under {1}. Click to see them.', count.toLocaleString(), label),
      );
    } catch (error) {
      if (generation === this.generation) this.show(vscode.l10n.t('$(warning) tokenizer failed'), (error as Error).message);
    }
  }

  private show(text: string, tooltip: string): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.show();
    this.shown = true;
  }

  private hide(): void {
    this.item.hide();
    this.shown = false;
  }
}
