// "Export as PNG / SVG": the webview draws the view into an image and sends it; the host asks
// where to save it and writes it atomically (temporary file, then rename), so an existing file is
// either kept whole or replaced whole.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeFileAtomic } from '../engine/modelFolder/atomicWrite';
import type { ExportView } from '../../webviews/decoding/protocol';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_DATA_URL = 'data:image/png;base64,';

/** The bytes to write, or an error naming what is wrong with what the webview sent. */
export function imageBytes(format: 'png' | 'svg', data: string): Uint8Array {
  if (format === 'svg') {
    if (!/^\s*(<\?xml[^>]*>\s*)?<svg[\s>]/.test(data)) throw new Error(vscode.l10n.t('The exported SVG does not start with an <svg> element.'));
    return Buffer.from(data, 'utf8');
  }
  if (!data.startsWith(PNG_DATA_URL)) throw new Error(vscode.l10n.t('The exported PNG is not a base64 data URL.'));
  const bytes = Buffer.from(data.slice(PNG_DATA_URL.length), 'base64');
  if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error(vscode.l10n.t('The exported PNG does not start with the PNG signature.'));
  return bytes;
}

/** Asks for a file name (in the first workspace folder by default) and writes the image; returns its path. */
export async function saveImage(view: ExportView, format: 'png' | 'svg', data: string): Promise<string | undefined> {
  const bytes = imageBytes(format, data);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = `decoding-${view}.${format}`;
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
    filters: format === 'png' ? { [vscode.l10n.t('PNG image')]: ['png'] } : { [vscode.l10n.t('SVG image')]: ['svg'] },
    saveLabel: vscode.l10n.t('Export'),
    title: vscode.l10n.t('Export the view as {0}', format.toUpperCase()),
  });
  if (!target) return undefined;
  if (target.scheme === 'file') writeFileAtomic(target.fsPath, bytes);
  else await vscode.workspace.fs.writeFile(target, bytes);
  void vscode.window.showInformationMessage(vscode.l10n.t('Saved {0}.', path.basename(target.path)));
  return target.fsPath;
}
