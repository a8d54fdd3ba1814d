// The model that ships with the extension: the first folder under models/ (by name) that holds a
// config.json and an onnx/model.onnx. Other folders there (checkpoints, a model half written by
// the trainer, which writes config.json last) are skipped.
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

export function bundledModelFolders(extensionPath: string): string[] {
  return foldersHolding(path.join(extensionPath, 'models'), ['config.json', path.join('onnx', 'model.onnx')]);
}

export function bundledModelFolder(extensionPath: string): string | undefined {
  return bundledModelFolders(extensionPath)[0];
}
