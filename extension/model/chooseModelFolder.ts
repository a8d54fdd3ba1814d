// "LLM Pipeline: Choose Model Folder…": a quick pick of the bundled model, the folders chosen
// before, the model folders in the workspace, the models in the Hugging Face cache (ours and
// those Python's huggingface_hub downloaded), and a folder picker for any other. A folder that
// is not a usable model is refused with the file and the problem, and the choice stays as it was.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type CachedSnapshot, cachedSnapshots } from '../engine/hub/hubCache';
import { hubCacheDir, repoIdOfSnapshot } from '../engine/hub/hubLocation';
import { looksLikeModelFolder } from '../engine/modelFolder/looksLikeModelFolder';
import { untrustedFolderOf, untrustedReason } from '../trust/workspaceTrust';
import type { ActiveModel } from './activeModel';
import { PICKER_OPTIONS } from '../panels/pickerOptions';

interface FolderItem extends vscode.QuickPickItem {
  readonly dir?: string;
  readonly browse?: boolean;
  readonly bundled?: boolean;
}

/** Workspace folders searched for model folders, at most this many config.json files. */
const WORKSPACE_SCAN_LIMIT = 200;

/**
 * With `folder` (from the explorer's context menu, or a caller that knows the folder) it is chosen
 * directly; otherwise the user picks. Returns the folder now in use, or undefined when nothing changed.
 */
export async function chooseModelFolder(model: ActiveModel, folder?: vscode.Uri): Promise<string | undefined> {
  const dir = folder ? folder.fsPath : await pickFolder(model);
  if (dir === undefined) return undefined;
  try {
    await model.setFolder(model.isBundledFolder(dir) ? undefined : dir);
    return model.folder;
  } catch (error) {
    void vscode.window.showErrorMessage(vscode.l10n.t('{0} is not a model folder that can be used: {1}', dir, (error as Error).message));
    return undefined;
  }
}

async function pickFolder(model: ActiveModel): Promise<string | undefined> {
  const picker = vscode.window.createQuickPick<FolderItem>();
  picker.title = vscode.l10n.t('Choose the model the inspectors run');
  picker.placeholder = vscode.l10n.t('A folder in the Hugging Face layout: config.json, tokenizer.json, onnx/model.onnx or model.safetensors');
  picker.ignoreFocusOut = PICKER_OPTIONS.ignoreFocusOut;
  picker.busy = true;
  const cached = cachedSnapshots(hubCacheDir(), looksLikeModelFolder);
  picker.items = itemsFor(model, [], cached);
  picker.show();
  void workspaceModelFolders().then((found) => {
    picker.items = itemsFor(model, found, cached);
    picker.busy = false;
  });
  const chosen = await new Promise<FolderItem | undefined>((resolve) => {
    picker.onDidAccept(() => resolve(picker.selectedItems[0]));
    picker.onDidHide(() => resolve(undefined));
  });
  picker.dispose();
  if (!chosen) return undefined;
  if (!chosen.browse) return chosen.dir;
  const uris = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: vscode.l10n.t('Use This Model'),
    title: vscode.l10n.t('Choose a model folder'),
  });
  return uris?.[0]?.fsPath;
}

function itemsFor(model: ActiveModel, workspaceFolders: readonly string[], cached: readonly CachedSnapshot[]): FolderItem[] {
  const active = model.folder;
  const bundled = model.bundledFolder;
  const describe = (dir: string): string => (dir === active ? vscode.l10n.t('in use') : '');
  const seen = new Set<string>();
  const entry = (dir: string, extra: Partial<FolderItem> = {}): FolderItem[] => {
    if (seen.has(dir)) return [];
    seen.add(dir);
    // The picker says why a folder of an untrusted workspace will not load, before it is picked.
    const untrusted = extra.bundled ? undefined : untrustedFolderOf(dir);
    if (untrusted !== undefined) {
      return [{ label: path.basename(dir), description: vscode.l10n.t('$(shield) not loaded: untrusted workspace'), detail: untrustedReason(dir, untrusted), dir, ...extra }];
    }
    return [{ label: repoIdOfSnapshot(dir) ?? path.basename(dir), description: describe(dir), detail: dir, dir, ...extra }];
  };
  const items: FolderItem[] = [];
  if (bundled) {
    items.push({ label: vscode.l10n.t('Bundled'), kind: vscode.QuickPickItemKind.Separator });
    items.push(...entry(bundled, { bundled: true, label: `$(package) ${path.basename(bundled)}` }));
  }
  const recent = model.recentFolders().flatMap((dir) => entry(dir));
  if (recent.length) items.push({ label: vscode.l10n.t('Chosen before'), kind: vscode.QuickPickItemKind.Separator }, ...recent);
  const inWorkspace = workspaceFolders.flatMap((dir) => entry(dir));
  if (inWorkspace.length) items.push({ label: vscode.l10n.t('In the workspace'), kind: vscode.QuickPickItemKind.Separator }, ...inWorkspace);
  const inCache = cached.flatMap((snapshot) =>
    entry(snapshot.dir, { label: `$(cloud) ${snapshot.repo}`, description: [snapshot.commit.slice(0, 8), ...snapshot.refs, describe(snapshot.dir)].filter(Boolean).join(' · ') }),
  );
  if (inCache.length) items.push({ label: vscode.l10n.t('In the Hugging Face cache'), kind: vscode.QuickPickItemKind.Separator }, ...inCache);
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
  items.push({ label: `$(folder-opened) ${vscode.l10n.t('Browse…')}`, detail: vscode.l10n.t('Any folder on disk'), browse: true, alwaysShow: true });
  return items;
}

/** Folders in the workspace that look like model folders: config.json with tokenizer.json and a graph or weights beside it. */
async function workspaceModelFolders(): Promise<string[]> {
  if (!vscode.workspace.workspaceFolders?.length) return [];
  const configs = await vscode.workspace.findFiles('**/config.json', '**/{node_modules,.git}/**', WORKSPACE_SCAN_LIMIT);
  return configs
    .filter((uri) => uri.scheme === 'file')
    .map((uri) => path.dirname(uri.fsPath))
    .filter(looksLikeModelFolder)
    .sort();
}
