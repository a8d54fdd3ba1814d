// The host-side controller of the tokenizer panel: it owns the text being inspected (a
// selection or text typed in the panel), follows the editor's selection while the panel is
// open, answers the webview's requests with the engine's results, and draws the hovered token
// in the editor. There is one panel; the command reveals it when it exists.
import * as vscode from 'vscode';
import { PanelController, type PanelContent } from '../panels/panelController';
import type { PanelKit } from '../panels/panelKit';
import {
  TOKENIZER_VIEW_TYPE,
  isTokenizerRequest,
  type CompareColumn,
  type TokenizerNotification,
  type TokenizerPanelState,
  type TokenizerRequest,
} from '../../webviews/tokenizer/protocol';
import type { OwnRequest } from '../../webviews/shared/protocol';
import { bpeTraceView } from './bpeTraceView';
import { chatTemplateOptions, renderChatView } from './chatTemplateView';
import { openTokenizerFile } from './chooseTokenizer';
import { isTextEditor, looksBinary, firstPart, formatBytes, maxSelectionBytes, restoredSource, selectionSource, utf8Length, type SourceText } from './selectionText';
import type { TokenizerCatalog } from './tokenizerCatalog';
import type { TokenHighlight } from './tokenHighlight';
import { countsOf, hexBytes, toChips } from './tokenViews';
import { tokenizerWebviewStrings } from './webviewStrings';

/** How long the selection must stay still before the panel follows it. */
const FOLLOW_DELAY_MS = 250;
/** Tokens drawn per column in the compare view. */
const PIECE_LIMIT = 2000;
/** Above this size the work is shown in the status bar's progress, as it can take a moment. */
const PROGRESS_BYTES = 64 * 1024;

export interface TokenizerPanelDeps {
  readonly extensionUri: vscode.Uri;
  readonly catalog: TokenizerCatalog;
  readonly highlight: TokenHighlight;
}

/** The tokenizer panel's controller: one panel, restored after a reload. */
export type TokenizerPanels = PanelController<TokenizerRequest, TokenizerNotification, TokenizerPanel>;

export function tokenizerPanels(deps: TokenizerPanelDeps): TokenizerPanels {
  return new PanelController(
    {
      viewType: TOKENIZER_VIEW_TYPE,
      title: () => vscode.l10n.t('Tokenizer'),
      script: 'tokenizer',
      isRequest: isTokenizerRequest,
      strings: tokenizerWebviewStrings,
      create: (kit) => new TokenizerPanel(kit, deps),
    },
    deps.extensionUri,
  );
}

export class TokenizerPanel implements PanelContent<TokenizerRequest>, vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private source: SourceText | undefined;
  private followTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly kit: PanelKit<TokenizerNotification>,
    private readonly deps: TokenizerPanelDeps,
  ) {
    this.disposables.push(
      vscode.window.onDidChangeTextEditorSelection((e) => this.followSelection(e.textEditor)),
      deps.catalog.onDidChange(() => void this.refresh()),
    );
  }

  dispose(): void {
    clearTimeout(this.followTimer);
    this.deps.highlight.clear();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }

  showSource(source: SourceText): void {
    this.source = source;
    void this.postTokens();
  }

  async handle(message: OwnRequest<TokenizerRequest>): Promise<void> {
    switch (message.type) {
      case 'tokenize':
        // What was typed wins over a selection made just before, whose follow-up is still pending.
        clearTimeout(this.followTimer);
        this.showSource(this.typedSource(message.payload.text));
        return;
      case 'chooseTokenizer':
        await this.choose(message.payload.id);
        return;
      case 'openTokenizerFile':
        await openTokenizerFile(this.deps.catalog);
        return;
      case 'highlight':
        this.highlight(message.payload);
        return;
      case 'compare':
        await this.postCompare(message.payload.ids);
        return;
      case 'bpe': {
        const id = this.deps.catalog.activeId;
        await this.kit.post({ type: 'bpe', payload: await bpeTraceView(this.deps.catalog, id, message.payload.word) });
        return;
      }
      case 'chat': {
        const { catalog } = this.deps;
        await this.kit.post({ type: 'chat', payload: await renderChatView(catalog, catalog.activeId, message.payload) });
        return;
      }
    }
  }

  /**
   * The webview (re)started: after a reload, or when the hidden panel is shown again. A reloaded
   * panel has no text in the host yet and gets back the one its webview saved, under the
   * tokenizer it used then.
   */
  async ready(state: TokenizerPanelState | undefined): Promise<void> {
    const { catalog } = this.deps;
    // With text in the host this is the same panel shown again: the host's text and tokenizer are newer.
    if (!this.source && state?.text) {
      this.source = restoredSource(state.text);
      if (state.tokenizer !== catalog.activeId && catalog.options().some((o) => o.id === state.tokenizer)) {
        await this.choose(state.tokenizer);
        if (catalog.activeId === state.tokenizer) return; // the change event has refreshed the panel
      }
    }
    await this.refresh();
  }

  /** Sends the tokenizer list and, when there is text, its tokens under the active tokenizer. */
  private async refresh(): Promise<void> {
    const { catalog } = this.deps;
    await this.kit.post({ type: 'tokenizers', payload: { options: catalog.options(), active: catalog.activeId } });
    try {
      await this.kit.post({ type: 'chatTemplates', payload: { options: chatTemplateOptions(await catalog.active()) } });
    } catch (error) {
      await this.postError((error as Error).message);
    }
    if (this.source) await this.postTokens();
  }

  /** Only ids from the list are accepted: the webview never names a file to read. */
  private async choose(id: string): Promise<void> {
    try {
      if (!this.deps.catalog.options().some((o) => o.id === id)) throw new Error(vscode.l10n.t('Unknown tokenizer "{0}".', id));
      await this.deps.catalog.setActive(id);
    } catch (error) {
      await this.postError((error as Error).message);
      await this.refresh();
    }
  }

  /** Tokenizes the current text, in place of any tokenization still running, and posts its tokens. */
  private async postTokens(): Promise<void> {
    const source = this.source;
    if (source) await this.kit.tasks.replace((signal) => this.tokenize(source, signal));
  }

  private async tokenize(source: SourceText, signal: AbortSignal): Promise<void> {
    const { catalog } = this.deps;
    const id = catalog.activeId;
    const encode = () => catalog.encode(id, source.text);
    const spans =
      utf8Length(source.text) > PROGRESS_BYTES ? await this.kit.progress(vscode.l10n.t('Tokenizing…'), encode) : await encode();
    // A newer text or tokenizer replaced this one while it ran: its result would be stale.
    if (signal.aborted) return;
    await this.kit.post({
      type: 'tokens',
      payload: {
        text: source.text,
        source: source.label,
        linked: source.link !== undefined,
        tokenizer: id,
        counts: countsOf(source.text, spans.length),
        chips: toChips(spans),
        notices: this.notices(source),
      },
    });
  }

  private notices(source: SourceText): string[] {
    const notices: string[] = [];
    if (source.cutFrom !== undefined) {
      notices.push(
        vscode.l10n.t(
          'Only the first {0} of {1} were tokenized (setting llmPipeline.tokenizer.maxSelectionBytes).',
          formatBytes(utf8Length(source.text)),
          formatBytes(source.cutFrom),
        ),
      );
    }
    if (looksBinary(source.text)) {
      notices.push(
        vscode.l10n.t('This text looks like binary data: it holds control characters or bytes that are not valid UTF-8. Its tokens are shown as they are.'),
      );
    }
    return notices;
  }

  private async postCompare(ids: readonly string[]): Promise<void> {
    const source = this.source;
    if (!source) return;
    const { catalog } = this.deps;
    const known = new Set(catalog.options().map((o) => o.id));
    const columns: CompareColumn[] = [];
    for (const id of ids.filter((i) => known.has(i))) {
      const label = catalog.label(id);
      try {
        const spans = await catalog.encode(id, source.text);
        columns.push({
          tokenizer: id,
          label,
          counts: countsOf(source.text, spans.length),
          pieces: spans.slice(0, PIECE_LIMIT).map((s) => ({ id: s.id, text: s.text, hex: hexBytes(s.bytes) })),
        });
      } catch (error) {
        columns.push({ tokenizer: id, label, error: (error as Error).message });
      }
    }
    if (source === this.source) await this.kit.post({ type: 'compare', payload: { text: source.text, columns } });
  }

  private highlight(range: { start: number; end: number } | null): void {
    const link = this.source?.link;
    if (!range || !link || range.end > (this.source?.text.length ?? 0)) {
      this.deps.highlight.clear();
      return;
    }
    this.deps.highlight.show(link.uri, link.version, link.offset + range.start, link.offset + range.end);
  }

  /** Text typed in the panel, cut to the size limit like a selection. */
  private typedSource(text: string): SourceText {
    const limit = maxSelectionBytes();
    const source: SourceText = { text, label: '' };
    return utf8Length(text) > limit ? firstPart(source, limit) : source;
  }

  /** While the panel is open it shows the latest non-empty selection, once the selection has settled. */
  private followSelection(editor: vscode.TextEditor): void {
    if (!isTextEditor(editor) || editor.selection.isEmpty) return;
    clearTimeout(this.followTimer);
    this.followTimer = setTimeout(() => {
      // An editor closed meanwhile is not followed: its selection is no longer on screen.
      if (!vscode.window.visibleTextEditors.includes(editor)) return;
      const source = selectionSource(editor);
      if (!source) return;
      const limit = maxSelectionBytes();
      const size = utf8Length(source.text);
      if (size > limit) {
        void this.postError(
          vscode.l10n.t(
            'The selection is {0}, more than the limit of {1}. Run "Tokenize Selection" to tokenize its first part.',
            formatBytes(size),
            formatBytes(limit),
          ),
        );
        return;
      }
      this.showSource(source);
    }, FOLLOW_DELAY_MS);
  }

  private postError(message: string): Thenable<boolean> {
    return this.kit.post({ type: 'error', payload: { message } });
  }
}
