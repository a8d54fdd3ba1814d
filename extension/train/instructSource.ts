// The data of SFT and DPO runs: a JSONL file the user picks, or the sets shipped in the clone's
// walkthroughs/instruct-sample/ (left out of the VSIX for its size, so offered only where present).
// "Train on This" on a .jsonl file tells the two formats apart by the first record's keys.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DataSource } from './dataSource';

export type InstructObjective = 'sft' | 'dpo';

/** The shipped sets: training data and the held-out set built from valid.txt. */
const SAMPLES: Readonly<Record<InstructObjective, { readonly train: string; readonly heldOut: string }>> = {
  sft: { train: 'sft-train.jsonl', heldOut: 'sft-heldout.jsonl' },
  dpo: { train: 'dpo-train.jsonl', heldOut: 'dpo-heldout.jsonl' },
};
const SAMPLE_FOLDER = ['walkthroughs', 'instruct-sample'] as const;
/** Bytes read to find a JSONL file's first record. */
const FIRST_RECORD_BYTES = 64 * 1024;

/** The shipped set for `objective`, or undefined when this install does not have it. */
export function instructSampleSource(extensionUri: vscode.Uri, objective: InstructObjective): DataSource | undefined {
  const folder = vscode.Uri.joinPath(extensionUri, ...SAMPLE_FOLDER).fsPath;
  const train = path.join(folder, SAMPLES[objective].train);
  const heldOut = path.join(folder, SAMPLES[objective].heldOut);
  if (!fs.existsSync(train) || !fs.existsSync(heldOut)) return undefined;
  return { kind: 'sample', path: train, validationPath: heldOut, label: vscode.l10n.t('{0} (shipped set, held out: {1})', SAMPLES[objective].train, SAMPLES[objective].heldOut) };
}

/** 'sft' for {"messages": ...} lines, 'dpo' for {"prompt","chosen","rejected"} lines, undefined for anything else. */
export function jsonlObjective(file: string): InstructObjective | undefined {
  if (path.extname(file).toLowerCase() !== '.jsonl') return undefined;
  const handle = fs.openSync(file, 'r');
  let head: string;
  try {
    const buffer = Buffer.alloc(FIRST_RECORD_BYTES);
    head = buffer.subarray(0, fs.readSync(handle, buffer, 0, FIRST_RECORD_BYTES, 0)).toString('utf8');
  } finally {
    fs.closeSync(handle);
  }
  const first = head.split('\n').find((line) => line.trim() !== '');
  let record: unknown;
  try {
    record = JSON.parse(first ?? '');
  } catch {
    throw new Error(vscode.l10n.t('{0}: line 1 is not JSON; SFT wants {"messages": [...]} lines and DPO {"prompt", "chosen", "rejected"} lines', file));
  }
  if (typeof record !== 'object' || record === null) return undefined;
  if ('messages' in record) return 'sft';
  if ('prompt' in record && 'chosen' in record && 'rejected' in record) return 'dpo';
  return undefined;
}
