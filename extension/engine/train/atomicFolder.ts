// A checkpoint is a folder of several files (weights, config, tokenizer, optimizer state), and a
// crash halfway through writing it must leave the previous checkpoint whole. Writing each file
// atomically is not enough (new weights beside old optimizer state), so the whole folder is
// swapped instead:
//   1. write everything into a fresh sibling folder  <name>.tmp-<pid>
//   2. rename the current folder aside               <name>  →  <name>.old-<pid>
//   3. rename the new folder into place              <name>.tmp-<pid>  →  <name>
//   4. delete the old folder
// A crash before 2 leaves the old folder in place; between 2 and 3 leaves only <name>.old-*,
// which readers fall back to (resolveFolder) and the next write moves back; after 3 the new folder
// is complete. Readers never rename or delete anything, so reading a checkpoint while the
// training job writes one is safe.

import * as fs from 'node:fs';
import * as path from 'node:path';

function siblings(target: string, marker: string): string[] {
  const dir = path.dirname(target);
  if (!fs.existsSync(dir)) return [];
  const prefix = `${path.basename(target)}.${marker}-`;
  return fs.readdirSync(dir).filter((n) => n.startsWith(prefix)).map((n) => path.join(dir, n));
}

function fsyncDirectory(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some platforms (Windows) cannot open a directory for fsync; the rename is still atomic there.
  }
}

/** Writes a whole folder with `fill(tempDir)` and puts it in place of `target` in one rename. */
export async function replaceFolderAtomically(target: string, fill: (tempDir: string) => Promise<void> | void): Promise<void> {
  recoverFolder(target);
  const temp = `${target}.tmp-${process.pid}-${Date.now().toString(36)}`;
  fs.mkdirSync(temp, { recursive: true });
  try {
    await fill(temp);
  } catch (error) {
    fs.rmSync(temp, { recursive: true, force: true });
    throw error;
  }
  fsyncDirectory(temp);
  const old = `${target}.old-${process.pid}-${Date.now().toString(36)}`;
  if (fs.existsSync(target)) fs.renameSync(target, old);
  fs.renameSync(temp, target);
  fsyncDirectory(path.dirname(target));
  fs.rmSync(old, { recursive: true, force: true });
}

const newest = (folders: string[]): string => folders.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];

/**
 * The complete folder to read for `target`: `target` itself, or, while a swap is halfway (or was
 * interrupted there), the `.old-*` folder it moved aside. Undefined when there is none. Read-only.
 */
export function resolveFolder(target: string): string | undefined {
  if (fs.existsSync(target)) return target;
  const olds = siblings(target, 'old');
  return olds.length > 0 ? newest(olds) : undefined;
}

/** The writer's side: moves an interrupted swap's `.old-*` folder back and deletes stale `.tmp-*` ones. */
function recoverFolder(target: string): void {
  const olds = siblings(target, 'old');
  if (!fs.existsSync(target) && olds.length > 0) fs.renameSync(newest(olds), target);
  for (const stale of [...siblings(target, 'old'), ...siblings(target, 'tmp')]) fs.rmSync(stale, { recursive: true, force: true });
}
