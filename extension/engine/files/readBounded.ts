// Reading a file a user pointed at, which may be anything: a FIFO (reading blocks forever), a
// device, a folder, a file larger than any real one of its kind, a file deleted while it is read.
// Only regular files are read, at most `maxBytes`, opened non-blocking so that a FIFO swapped in
// after the check cannot block either; every failure names the file and says what it is.

import * as fs from 'node:fs';

export class UnreadableFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    /** The system's error code (ENOENT...), or 'ESIZE' / 'ENOTFILE' for this module's own refusals. */
    readonly code?: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'UnreadableFileError';
  }
}

/** What a file system entry is, for messages: "a FIFO (named pipe)", "a folder". */
export function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

function problemOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file (or it was deleted while being read)';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read: permission denied';
  if (code === 'ELOOP') return 'is a loop of symbolic links';
  if (code === 'EISDIR') return 'is a folder, not a file';
  return `cannot be read (${(error as Error).message})`;
}

/** "12.0 MB": for limits in messages. */
function megabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}

/** Non-blocking, so that opening a FIFO put there after the check returns at once. */
function openFlags(options: ReadOptions): number {
  return fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (options.noFollow ? (fs.constants.O_NOFOLLOW ?? 0) : 0);
}

function checkStat(file: string, stat: fs.Stats, maxBytes: number): void {
  if (!stat.isFile()) throw new UnreadableFileError(file, `is ${kindOf(stat)}, not a file`, 'ENOTFILE');
  if (stat.size > maxBytes) throw new UnreadableFileError(file, `is ${megabytes(stat.size)}, more than the ${megabytes(maxBytes)} accepted for this kind of file`, 'ESIZE');
}

function unreadable(file: string, error: unknown): UnreadableFileError {
  if (error instanceof UnreadableFileError) return error;
  return new UnreadableFileError(file, problemOf(error), (error as NodeJS.ErrnoException).code);
}

export interface ReadOptions {
  /** Refuse a symbolic link at the last step of the path (and open with O_NOFOLLOW where there is one). */
  readonly noFollow?: boolean;
}

/** The bytes of the regular file `file` (symbolic links followed), when it holds at most `maxBytes`. */
export function readBoundedFileSync(file: string, maxBytes: number, options: ReadOptions = {}): Buffer {
  let fd: number;
  try {
    checkStat(file, options.noFollow ? fs.lstatSync(file) : fs.statSync(file), maxBytes);
    fd = fs.openSync(file, openFlags(options));
  } catch (error) {
    throw unreadable(file, error);
  }
  try {
    // Checked again on what was opened: the path may have been swapped since.
    const stat = fs.fstatSync(fd);
    checkStat(file, stat, maxBytes);
    const bytes = Buffer.alloc(stat.size);
    let read = 0;
    while (read < bytes.length) {
      const n = fs.readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0) break; // shrank while being read: keep what is there
      read += n;
    }
    return read === bytes.length ? bytes : bytes.subarray(0, read);
  } catch (error) {
    throw unreadable(file, error);
  } finally {
    fs.closeSync(fd);
  }
}

/** readBoundedFileSync, off the caller's turn: for callers that must keep their event loop free. */
export async function readBoundedFile(file: string, maxBytes: number, options: ReadOptions = {}): Promise<Buffer> {
  let handle: fs.promises.FileHandle;
  try {
    checkStat(file, await (options.noFollow ? fs.promises.lstat(file) : fs.promises.stat(file)), maxBytes);
    handle = await fs.promises.open(file, openFlags(options));
  } catch (error) {
    throw unreadable(file, error);
  }
  try {
    const stat = await handle.stat();
    checkStat(file, stat, maxBytes);
    const bytes = Buffer.alloc(stat.size);
    let read = 0;
    while (read < bytes.length) {
      const { bytesRead } = await handle.read(bytes, read, bytes.length - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return read === bytes.length ? bytes : bytes.subarray(0, read);
  } catch (error) {
    throw unreadable(file, error);
  } finally {
    await handle.close();
  }
}

/** The UTF-8 text of a bounded read (invalid bytes become U+FFFD, as an editor shows them). */
export async function readBoundedText(file: string, maxBytes: number): Promise<string> {
  return (await readBoundedFile(file, maxBytes)).toString('utf8');
}
