// Reading the JSON files of a model folder, and checking their fields, with messages that name
// the file and the field.

import { readBoundedFileSync, UnreadableFileError } from '../files/readBounded';
import { ModelFolderError, requireFile } from './folderError';

export type JsonObject = Record<string, unknown>;

/** The largest JSON file of a model folder accepted: tokenizer.json files reach about 35 MB. */
export const MAX_JSON_BYTES = 128 * 1_048_576;

export function readJsonObject(file: string, shownAs: string): JsonObject {
  requireFile(file, shownAs);
  let text: string;
  try {
    text = readBoundedFileSync(file, MAX_JSON_BYTES).toString('utf8');
  } catch (error) {
    if (error instanceof UnreadableFileError) throw new ModelFolderError(shownAs, error.problem);
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ModelFolderError(shownAs, `is not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ModelFolderError(shownAs, 'is not a JSON object');
  return value as JsonObject;
}

/** Field readers: each returns undefined when the field is absent and throws when it has the wrong type. */
export class JsonFields {
  constructor(readonly json: JsonObject, readonly shownAs: string) {}

  fail(field: string, problem: string): never {
    throw new ModelFolderError(this.shownAs, `${field} ${problem}`);
  }

  has(field: string): boolean {
    return this.json[field] !== undefined && this.json[field] !== null;
  }

  string(field: string): string | undefined {
    const value = this.json[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') this.fail(field, `is ${JSON.stringify(value)}, not a string`);
    return value;
  }

  boolean(field: string): boolean | undefined {
    const value = this.json[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') this.fail(field, `is ${JSON.stringify(value)}, not true or false`);
    return value;
  }

  number(field: string): number | undefined {
    const value = this.json[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(field, `is ${JSON.stringify(value)}, not a number`);
    return value;
  }

  /** A non-negative integer, or a positive one when `min` is 1; at most `max`, a size no real file needs. */
  integer(field: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const value = this.number(field);
    if (value === undefined) return undefined;
    if (!Number.isSafeInteger(value) || value < min) this.fail(field, `is ${value}, not an integer ≥ ${min}`);
    if (value > max) this.fail(field, `is ${value}, more than the ${max} this program accepts (no real model is this large)`);
    return value;
  }

  requiredInteger(field: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.integer(field, min, max);
    if (value === undefined) this.fail(field, 'is missing');
    return value;
  }

  /** Token ids may be one id or a list of them (eos_token_id of Llama 3, for example). */
  tokenIds(field: string): number[] {
    const value = this.json[field];
    if (value === undefined || value === null) return [];
    const ids = Array.isArray(value) ? value : [value];
    if (!ids.every((id) => Number.isSafeInteger(id) && id >= 0)) this.fail(field, `is ${JSON.stringify(value)}, not a token id or a list of them`);
    return ids as number[];
  }
}
