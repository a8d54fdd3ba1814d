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
// Every folder this writes carries a marker file (OWNER_MARKER). Only folders with the marker are
// ever renamed aside, recovered or deleted: a user's own "last.old-backup" beside a checkpoint, or
// a folder named like the target that this program did not write, is never touched.

import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fsyncDirectory } from '../modelFolder/atomicWrite';

/** The file inside every folder replaceFolderAtomically writes: proof that it may replace or delete the folder. */
export const OWNER_MARKER = '.llm-pipeline-folder';

/** Whether `folder` is a folder this program wrote (it holds the marker file, and is no link). */
function isOwnFolder(folder: string): boolean {
  const stat = fs.lstatSync(folder, { throwIfNoEntry: false });
  return !!stat?.isDirectory() && fs.lstatSync(path.join(folder, OWNER_MARKER), { throwIfNoEntry: false })?.isFile() === true;
}

/** `<name>.<marker>-<pid>-<random>` folders beside `target` that this program wrote. */
function siblings(target: string, marker: string): string[] {
  const dir = path.dirname(target);
  if (!fs.existsSync(dir)) return [];
  const pattern = new RegExp(`^${escapeRegExp(path.basename(target))}\\.${marker}-\\d+-[0-9a-z]+$`);
  return fs
    .readdirSync(dir)
    .filter((n) => pattern.test(n))
    .map((n) => path.join(dir, n))
    .filter(isOwnFolder);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Writes a whole folder with `fill(tempDir)` and puts it in place of `target` in one rename.
 * An existing `target` is replaced only when this program wrote it (the marker, or `recognise`
 * says so for folders written before the marker existed); otherwise this throws, naming it.
 */
export async function replaceFolderAtomically(
  target: string,
  recognise: (folder: string) => boolean,
  fill: (tempDir: string) => Promise<void> | void,
): Promise<void> {
  recoverFolder(target);
  const stat = fs.lstatSync(target, { throwIfNoEntry: false });
  if (stat && (!stat.isDirectory() || (!isOwnFolder(target) && !recognise(target)))) {
    throw new Error(`${target}: exists and was not written by LLM Pipeline Lab (no ${OWNER_MARKER} in it); it is left as it is. Choose another folder, or move it away.`);
  }
  const suffix = () => `${process.pid}-${randomBytes(6).toString('hex')}`;
  const temp = `${target}.tmp-${suffix()}`;
  fs.mkdirSync(temp, { recursive: true });
  fs.writeFileSync(path.join(temp, OWNER_MARKER), 'Written by LLM Pipeline Lab: this folder is replaced as a whole when it is saved again.\n');
  try {
    await fill(temp);
  } catch (error) {
    fs.rmSync(temp, { recursive: true, force: true });
    throw error;
  }
  fsyncDirectory(temp);
  const old = `${target}.old-${suffix()}`;
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
  // Only a folder this program moved aside stands in for the target.
  const olds = siblings(target, 'old');
  return olds.length > 0 ? newest(olds) : undefined;
}

/** The writer's side: moves an interrupted swap's `.old-*` folder back and deletes stale `.tmp-*` ones (its own only). */
function recoverFolder(target: string): void {
  const olds = siblings(target, 'old');
  if (!fs.existsSync(target) && olds.length > 0) fs.renameSync(newest(olds), target);
  for (const stale of [...siblings(target, 'old'), ...siblings(target, 'tmp')]) fs.rmSync(stale, { recursive: true, force: true });
}
