// Step 1 (input processing) in the editor: the commands, the panel and its serializer, the
// token-boundary decorations and the status-bar count. Nothing loads until it is used.
import * as vscode from 'vscode';
import { chooseTokenizer } from './chooseTokenizer';
import { firstPart, formatBytes, isTextEditor, maxSelectionBytes, selectionSource, utf8Length } from './selectionText';
import { TokenBoundaries, type PaintedToken } from './tokenBoundaries';
import { TokenCountStatus } from './tokenCountStatus';
import { TokenHighlight } from './tokenHighlight';
import { TokenizerCatalog } from './tokenizerCatalog';
import { tokenizerPanels, type TokenizerPanels } from './tokenizerPanel';

/** What the integration tests read from Step 1 (the editor API cannot read status bars or decorations back). */
export interface TokenizerTestApi {
  readonly statusText: () => string;
  readonly paintedTokens: () => readonly PaintedToken[];
  readonly activeTokenizer: () => string;
}

export function registerTokenizer(context: vscode.ExtensionContext): TokenizerTestApi {
  const catalog = new TokenizerCatalog(context);
  const highlight = new TokenHighlight();
  const boundaries = new TokenBoundaries(catalog);
  const status = new TokenCountStatus(catalog);
  const panels = tokenizerPanels({ extensionUri: context.extensionUri, catalog, highlight });
  context.subscriptions.push(
    catalog,
    highlight,
    boundaries,
    status,
    panels,
    vscode.commands.registerCommand('llmPipeline.tokenizeSelection', () => tokenizeSelection(panels)),
    vscode.commands.registerCommand('llmPipeline.chooseTokenizer', (file?: vscode.Uri) => chooseTokenizer(catalog, file)),
    vscode.commands.registerCommand('llmPipeline.toggleTokenBoundaries', () => boundaries.toggle()),
  );
  return { statusText: () => status.text, paintedTokens: () => boundaries.painted, activeTokenizer: () => catalog.activeId };
}

/**
 * Opens the panel on the active editor's selection. A selection over the size limit is not
 * tokenized unless the user agrees to its first part; with no selection the panel opens with
 * its text box.
 */
async function tokenizeSelection(panels: TokenizerPanels): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const source = isTextEditor(editor) ? selectionSource(editor) : undefined;
  if (!source) {
    panels.show();
    return;
  }
  const limit = maxSelectionBytes();
  const size = utf8Length(source.text);
  if (size <= limit) {
    panels.show().showSource(source);
    return;
  }
  const takeFirst = vscode.l10n.t('Tokenize the first {0}', formatBytes(limit));
  const settings = vscode.l10n.t('Change the limit');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('The selection is {0}, more than the tokenizer limit of {1}.', formatBytes(size), formatBytes(limit)),
    takeFirst,
    settings,
  );
  if (choice === takeFirst) panels.show().showSource(firstPart(source, limit));
  else if (choice === settings) await vscode.commands.executeCommand('workbench.action.openSettings', 'llmPipeline.tokenizer.maxSelectionBytes');
}
