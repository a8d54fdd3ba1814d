// What a run trains on: a file, a folder (walked as the RAG walker does, .gitignore respected),
// the editor's selection, or the sample shipped with the walkthrough. A selection is written to a
// file under the runs folder first, so every source is a path the worker reads.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeFileAtomic } from '../engine/modelFolder/atomicWrite';
import type { DataView } from '../../webviews/training/protocol';

export const SAMPLE_DATA_PATH = ['walkthroughs', 'training-sample', 'stories.txt'] as const;
/** The largest selection trained on (characters). */
export const MAX_SELECTION_CHARS = 16 * 1024 * 1024;
/** The largest single file trained on: the whole stream is held in memory as token ids. */
export const MAX_DATA_FILE_BYTES = 1024 * 1024 * 1024;

export interface DataSource extends DataView {
  readonly path: string;
  /** Held-out data that comes with it (the shipped SFT and DPO sets). */
  readonly validationPath?: string;
}

/** A file or folder the user picked; refused with a clear message when it cannot be data. */
export function pathSource(target: string): DataSource {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    throw new Error(vscode.l10n.t('{0}: no such file or folder', target));
  }
  if (stat.isDirectory()) return { kind: 'folder', path: target, label: `${path.basename(target)}/` };
  if (!stat.isFile()) throw new Error(vscode.l10n.t('{0}: not a regular file or folder', target));
  if (stat.size === 0) throw new Error(vscode.l10n.t('{0}: the file is empty', target));
  if (stat.size > MAX_DATA_FILE_BYTES) throw new Error(vscode.l10n.t('{0}: {1} MB is more than the {2} MB a run can hold in memory', target, Math.round(stat.size / 2 ** 20), MAX_DATA_FILE_BYTES / 2 ** 20));
  return { kind: 'file', path: target, label: path.basename(target) };
}

export function sampleSource(extensionUri: vscode.Uri): DataSource {
  return { kind: 'sample', path: vscode.Uri.joinPath(extensionUri, ...SAMPLE_DATA_PATH).fsPath, label: vscode.l10n.t('{0} (walkthrough sample)', SAMPLE_DATA_PATH.at(-1) as string) };
}

/** The selection, saved under `runsRoot`/selections by its hash (the same text is saved once). */
export function selectionSource(text: string, documentName: string, runsRoot: string): DataSource {
  if (text.trim().length === 0) throw new Error(vscode.l10n.t('The selection is empty: select the text to train on.'));
  if (text.length > MAX_SELECTION_CHARS) throw new Error(vscode.l10n.t('The selection has {0} characters; at most {1} can be trained on. Train on the file instead.', text.length, MAX_SELECTION_CHARS));
  const file = path.join(runsRoot, 'selections', `${createHash('sha256').update(text).digest('hex').slice(0, 16)}.txt`);
  if (!fs.existsSync(file)) writeFileAtomic(file, text);
  return { kind: 'selection', path: file, label: vscode.l10n.t('selection in {0} ({1} characters)', documentName, text.length) };
}
