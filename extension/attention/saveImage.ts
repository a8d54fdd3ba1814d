// Saves a view the panel drew: the user picks the file, and it is written atomically (a
// temporary file beside it, then a rename), so an existing image is never left half written.
import * as os from 'node:os';
import * as vscode from 'vscode';
import { writeFileAtomic } from '../engine/modelFolder/atomicWrite';
import type { ExportFormat } from '../../webviews/attention/protocol';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The file's bytes: PNG from base64 (checked to be a PNG), SVG as UTF-8 text. */
export function imageBytes(format: ExportFormat, data: string): Uint8Array {
  if (format === 'svg') return Buffer.from(data, 'utf8');
  const bytes = Buffer.from(data, 'base64');
  if (bytes.length < PNG_SIGNATURE.length || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) throw new Error(vscode.l10n.t('The panel sent an image that is not a PNG.'));
  return bytes;
}

/** Asks where to save `name`.`format` and writes it; returns the file, or undefined when the user cancelled. */
export async function saveImage(format: ExportFormat, name: string, data: string): Promise<vscode.Uri | undefined> {
  const bytes = imageBytes(format, data);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
  const filters = format === 'png' ? { [vscode.l10n.t('PNG image')]: ['png'] } : { [vscode.l10n.t('SVG image')]: ['svg'] };
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.joinPath(folder, `${name}.${format}`),
    filters,
    title: vscode.l10n.t('Save the view as {0}', format.toUpperCase()),
  });
  if (!target) return undefined;
  if (target.scheme === 'file') writeFileAtomic(target.fsPath, bytes);
  else await vscode.workspace.fs.writeFile(target, bytes);
  return target;
}
