// "Save as PNG / SVG" for every panel: the webview draws the view and sends the image; the host
// checks it, asks where to save it (in the first workspace folder by default), and writes it
// atomically (a temporary file beside it, then a rename), so an existing file is either kept
// whole or replaced whole.
import * as path from 'node:path';
import * as os from 'node:os';
import * as vscode from 'vscode';
import { writeFileAtomic } from '../engine/modelFolder/atomicWrite';
import type { ImageExport } from '../../webviews/shared/protocol';
import { imageFileBytes } from './imageFile';

/** Asks where to save the image and writes it; returns the file, or undefined when the user cancelled. */
export async function saveImage({ name, format, data }: ImageExport): Promise<vscode.Uri | undefined> {
  const bytes = imageFileBytes(format, data);
  if (bytes === 'not-png') throw new Error(vscode.l10n.t('The panel sent an image that is not a PNG.'));
  if (bytes === 'not-svg') throw new Error(vscode.l10n.t('The exported SVG does not start with an <svg> element.'));
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.joinPath(folder, `${name}.${format}`),
    filters: format === 'png' ? { [vscode.l10n.t('PNG image')]: ['png'] } : { [vscode.l10n.t('SVG image')]: ['svg'] },
    saveLabel: vscode.l10n.t('Export'),
    title: vscode.l10n.t('Save the view as {0}', format.toUpperCase()),
  });
  if (!target) return undefined;
  if (target.scheme === 'file') writeFileAtomic(target.fsPath, bytes);
  else await vscode.workspace.fs.writeFile(target, bytes);
  void vscode.window.showInformationMessage(vscode.l10n.t('Saved {0}.', path.basename(target.path)));
  return target;
}
