// Picking the active tokenizer: a quick pick of everything the catalog offers, plus opening a
// tokenizer.json from disk. A file that fails to load is named in the error with the reason,
// and the active tokenizer stays as it was.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TokenizerCatalog } from './tokenizerCatalog';
import { PICKER_OPTIONS } from '../panels/pickerOptions';

interface Pick extends vscode.QuickPickItem {
  readonly id?: string;
  readonly openFile?: boolean;
}

/**
 * The "Choose Tokenizer..." command. Given a file (from the explorer's context menu on a
 * tokenizer.json) it loads that file; otherwise it asks. Resolves to the id made active, if any.
 */
export async function chooseTokenizer(catalog: TokenizerCatalog, file?: vscode.Uri): Promise<string | undefined> {
  if (file instanceof vscode.Uri) return addTokenizerFile(catalog, file.fsPath);
  const active = catalog.activeId;
  const kinds = { model: vscode.l10n.t('Model folders'), builtin: vscode.l10n.t('Built-in'), file: vscode.l10n.t('Opened files') };
  const items: Pick[] = [];
  for (const kind of ['model', 'builtin', 'file'] as const) {
    const options = catalog.options().filter((o) => o.kind === kind);
    if (!options.length) continue;
    items.push({ label: kinds[kind], kind: vscode.QuickPickItemKind.Separator });
    for (const o of options) {
      const untrusted = catalog.untrustedReason(o.id);
      const description = untrusted ? vscode.l10n.t('$(shield) not loaded: untrusted workspace') : o.id === active ? vscode.l10n.t('active') : undefined;
      items.push({ id: o.id, label: o.label, detail: untrusted ?? o.detail, description, picked: o.id === active });
    }
  }
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
  items.push({ label: vscode.l10n.t('$(folder-opened) Open tokenizer.json from disk…'), openFile: true });
  const pick = await vscode.window.showQuickPick(items, { ...PICKER_OPTIONS, title: vscode.l10n.t('Choose Tokenizer'), placeHolder: catalog.label(active) });
  if (pick?.openFile) return openTokenizerFile(catalog);
  if (pick?.id) return activate(catalog, pick.id, pick.label);
  return undefined;
}

/** Asks for a tokenizer.json, adds it to the list and makes it active. */
export async function openTokenizerFile(catalog: TokenizerCatalog): Promise<string | undefined> {
  const [uri] =
    (await vscode.window.showOpenDialog({
      title: vscode.l10n.t('Open tokenizer.json'),
      canSelectMany: false,
      filters: { [vscode.l10n.t('Tokenizer')]: ['json'] },
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    })) ?? [];
  return uri ? addTokenizerFile(catalog, uri.fsPath) : undefined;
}

export async function addTokenizerFile(catalog: TokenizerCatalog, file: string): Promise<string | undefined> {
  try {
    const id = await withLoading(path.basename(file), () => catalog.addFile(file));
    await catalog.setActive(id);
    return id;
  } catch (error) {
    // The engine's message names the file and what is wrong with it.
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not load the tokenizer: {0}', (error as Error).message));
    return undefined;
  }
}

async function activate(catalog: TokenizerCatalog, id: string, label: string): Promise<string | undefined> {
  try {
    await withLoading(label, () => catalog.setActive(id));
    return id;
  } catch (error) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not load the tokenizer {0}: {1}', label, (error as Error).message));
    return undefined;
  }
}

/** Converting a large built-in the first time takes a few seconds: say so. */
function withLoading<T>(label: string, task: () => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Loading tokenizer {0}…', label) }, task);
}
