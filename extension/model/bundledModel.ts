// The model that ships with the extension: the first folder under models/ (by name) that holds a
// config.json and a model.safetensors. Other folders there (checkpoints, a model half written by
// the trainer, which writes config.json last) are skipped.
// The VSIX carries the weights once, without the ONNX decode graph: the graph is built from them
// on first use into a copy of the folder in the extension's global storage (builtBundledModel.ts).
// The copy's path carries a key of the shipped files and of the builder, so new weights or a new
// builder give a new copy.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The folders under `root`, by name, that hold every one of `files` (none when `root` is unreadable). */
export function foldersHolding(root: string, files: readonly string[]): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return [];
  }
  return names
    .sort()
    .map((name) => path.join(root, name))
    .filter((dir) => files.every((file) => fs.existsSync(path.join(dir, file))));
}

/** The shipped folders: each has config.json and model.safetensors (a clone's may have onnx/ too). */
export function bundledModelFolders(extensionPath: string): string[] {
  return foldersHolding(path.join(extensionPath, 'models'), ['config.json', 'model.safetensors']);
}

export function bundledModelFolder(extensionPath: string): string | undefined {
  return bundledModelFolders(extensionPath)[0];
}

/** Where the built copies of shipped models live, under the extension's global storage. */
export function builtModelsRoot(storagePath: string): string {
  return path.join(storagePath, 'bundled-models');
}

/**
 * The built copy's folder: <storage>/bundled-models/<key>/<name>. The key hashes each shipped
 * file's name, size and modification time, and the builder script's: statting is enough to notice
 * an update, and reads no weights on the host's thread.
 */
export function builtModelFolder(source: string, storagePath: string, builderScript: string): string {
  const hash = createHash('sha256');
  const files = fs.readdirSync(source, { withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.join(source, d.name)).sort();
  for (const file of [...files, builderScript]) {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    hash.update(`${path.basename(file)}\0${stat?.size ?? -1}\0${stat?.mtimeMs ?? -1}\0`);
  }
  return path.join(builtModelsRoot(storagePath), hash.digest('hex').slice(0, 16), path.basename(source));
}
