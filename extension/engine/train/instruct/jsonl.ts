// JSON Lines data (one JSON object per line), the format of TRL and OpenAI fine-tuning sets.
// A malformed line refuses the whole file: training on a silently shortened set would hide the
// problem. The message names the file and the first few bad lines by number.

import * as fs from 'node:fs';
import { DataError } from '../dataset';

/** Larger instruction sets are not what a two-core laptop fine-tunes on. */
export const MAX_JSONL_BYTES = 256 * 1_048_576;
const SHOWN_PROBLEMS = 5;

export interface JsonlRecord {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly value: Record<string, unknown>;
}

/** Each non-blank line's object; throws a DataError listing bad lines (not JSON, or not an object, or failing `check`). */
export function readJsonl(file: string, check: (value: Record<string, unknown>) => string | undefined): JsonlRecord[] {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat?.isFile()) throw new DataError(file, 'no such file');
  if (stat.size > MAX_JSONL_BYTES) throw new DataError(file, `is ${stat.size} bytes, more than the ${MAX_JSONL_BYTES} accepted`);
  const records: JsonlRecord[] = [];
  const problems: string[] = [];
  fs.readFileSync(file, 'utf8').split('\n').forEach((text, index) => {
    const line = index + 1;
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      problems.push(`line ${line}: not JSON (${(error as Error).message})`);
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push(`line ${line}: not a JSON object`);
      return;
    }
    const problem = check(value as Record<string, unknown>);
    if (problem) problems.push(`line ${line}: ${problem}`);
    else records.push({ line, value: value as Record<string, unknown> });
  });
  if (problems.length > 0) {
    const more = problems.length > SHOWN_PROBLEMS ? `; and ${problems.length - SHOWN_PROBLEMS} more` : '';
    throw new DataError(file, `${problems.length} bad line(s), the file is refused: ${problems.slice(0, SHOWN_PROBLEMS).join('; ')}${more}`);
  }
  if (records.length === 0) throw new DataError(file, 'holds no records (one JSON object per line)');
  return records;
}
