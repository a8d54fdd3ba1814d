// The status-bar item that counts the selection's tokens under the active tokenizer, as
// "42 tokens · GPT-2 (r50k_base)". It shows only while something is selected; clicking it
// opens the tokenizer panel.
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

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.update(), UPDATE_DELAY_MS);
  }

  /** Recounts now; resolves when the item shows the new count. */
  async update(): Promise<void> {
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
      const tokenizer = await this.catalog.active();
      const count = tokenizer.encodeIds(text).length;
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
