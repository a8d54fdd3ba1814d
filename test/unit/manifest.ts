// package.json as VS Code shows it: every "%key%" string replaced by its text in package.nls.json,
// the English strings translators start from.
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

export function readNls(): Record<string, string> {
  return JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
}

/** The "%key%" placeholders used anywhere in `value`. */
export function nlsKeys(value: unknown): string[] {
  if (typeof value === 'string') return /^%([^%]+)%$/.test(value) ? [value.slice(1, -1)] : [];
  if (Array.isArray(value)) return value.flatMap(nlsKeys);
  if (value && typeof value === 'object') return Object.values(value).flatMap(nlsKeys);
  return [];
}

function localize(value: unknown, nls: Record<string, string>): unknown {
  if (typeof value === 'string') return value.replace(/^%([^%]+)%$/, (whole, key: string) => nls[key] ?? whole);
  if (Array.isArray(value)) return value.map((v) => localize(v, nls));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, localize(v, nls)]));
  return value;
}

export function rawManifest(): unknown {
  return JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
}

export function localizedManifest<T>(): T {
  return localize(rawManifest(), readNls()) as T;
}
