// A file is either the old version or the complete new one, never half written: write a
// temporary file beside it, flush it to disk, then rename it over the target (rename is atomic
// within one file system, which is why the temporary file lives in the same folder), and flush
// the folder too, so that the rename itself survives a power cut.
// A target that is a symbolic link is written through: the link stays and the file it points to
// is replaced. An existing file keeps its permission bits (a 0600 file stays private).

import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The real file behind `file` when it is a symbolic link (followed to the end), else `file` itself. */
function writtenPath(file: string): string {
  try {
    if (fs.lstatSync(file).isSymbolicLink()) return fs.realpathSync(file);
  } catch (error) {
    // A dangling link has no real path: write the file it names, relative to the link's folder.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && isLink(file)) return path.resolve(path.dirname(file), fs.readlinkSync(file));
  }
  return file;
}

function isLink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Flushes a folder's entries (the rename) to disk; platforms that cannot open a folder (Windows) skip it. */
export function fsyncDirectory(dir: string): void {
  let fd: number;
  try {
    fd = fs.openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fs.fsyncSync(fd);
  } catch {
    // EISDIR/EPERM on some file systems: the rename is still atomic there.
  } finally {
    fs.closeSync(fd);
  }
}

export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const target = writtenPath(file);
  const dir = path.dirname(target);
  fs.mkdirSync(dir, { recursive: true });
  const mode = fs.statSync(target, { throwIfNoEntry: false })?.mode;
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  // 'wx': the temporary name must be new, never a file (or link) someone put there.
  const fd = fs.openSync(temp, 'wx', mode === undefined ? 0o666 : mode & 0o7777);
  try {
    if (mode !== undefined) fs.fchmodSync(fd, mode & 0o7777);
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw error;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(temp, target);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  fsyncDirectory(dir);
}

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}
