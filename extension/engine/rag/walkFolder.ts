// The files of a folder that go into a RAG index: every file under it, less what a .gitignore
// (at any level, with git's rules, via the `ignore` package) or the exclude globs leave out, and
// only those the include globs name. Globs use gitignore syntax ("**/*.md", "dist/"). Folders are
// read one at a time, so a folder deleted while it is walked ends as a count, not a crash.
// Symbolic links are never followed (a link to ../secret.txt or a loop of links stays out), and
// only regular files are listed: a FIFO, socket or device would block or never end.

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { readBoundedText } from '../files/readBounded';

/** A .gitignore longer than this is not one a person wrote; it is treated as absent. */
const MAX_GITIGNORE_BYTES = 1_048_576;

/** The rules of a folder's .gitignore, or undefined when it has none (or none that is a readable regular file). */
function readGitignore(dir: string): Promise<string | undefined> {
  return readBoundedText(path.join(dir, '.gitignore'), MAX_GITIGNORE_BYTES).catch(() => undefined);
}


export interface WalkSettings {
  readonly include: readonly string[];
  readonly exclude: readonly string[];
}

export const DEFAULT_WALK: WalkSettings = {
  include: ['**/*'],
  exclude: ['.git/', 'node_modules/', '.vscode-test/', 'dist/', 'out/', '*.lock', 'package-lock.json'],
};

export interface WalkResult {
  /** Paths relative to the root, with '/' separators, sorted. */
  readonly files: string[];
  /** Files and folders left out by .gitignore or the exclude globs. */
  readonly ignored: number;
  /** Files the include globs do not name. */
  readonly notIncluded: number;
  /** Folders that could not be read (deleted meanwhile, no permission), relative, with the reason. */
  readonly unreadableFolders: { readonly path: string; readonly reason: string }[];
}

interface GitignoreScope {
  /** Relative folder the .gitignore sits in ('' for the root). */
  readonly base: string;
  readonly rules: Ignore;
}


export async function walkFolder(root: string, settings: WalkSettings, signal?: AbortSignal): Promise<WalkResult> {
  const exclude = ignore().add([...settings.exclude]);
  const include = ignore().add([...settings.include]);
  const result = { files: [] as string[], ignored: 0, notIncluded: 0, unreadableFolders: [] as { path: string; reason: string }[] };

  const visit = async (relativeDir: string, scopes: readonly GitignoreScope[]): Promise<void> => {
    signal?.throwIfAborted();
    const dir = path.join(root, relativeDir);
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (error) {
      result.unreadableFolders.push({ path: relativeDir || '.', reason: reasonOf(error) });
      return;
    }
    const gitignore = await readGitignore(dir);
    const here = gitignore === undefined ? scopes : [...scopes, { base: relativeDir, rules: ignore().add(gitignore) }];
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const relative = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
      const isDir = entry.isDirectory();
      if (!isDir && !entry.isFile()) continue; // sockets, links, devices
      const asTested = isDir ? `${relative}/` : relative;
      const ignoredByGit = here.some((s) => s.rules.ignores(s.base ? asTested.slice(s.base.length + 1) : asTested));
      if (ignoredByGit || exclude.ignores(asTested)) {
        result.ignored++;
        continue;
      }
      if (isDir) await visit(relative, here);
      else if (include.ignores(relative)) result.files.push(relative);
      else result.notIncluded++;
    }
  };
  await visit('', []);
  return result satisfies WalkResult;
}

export function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no longer exists';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return (error as Error).message;
}

/**
 * Whether one file (relative, '/' separated) would be walked: the same exclude, include and
 * .gitignore rules as walkFolder, for a file a watcher reports without walking the whole folder.
 */
export async function isWalked(root: string, relative: string, settings: WalkSettings): Promise<boolean> {
  if (ignore().add([...settings.exclude]).ignores(relative)) return false;
  const parts = relative.split('/');
  for (let depth = 0; depth < parts.length; depth++) {
    const base = parts.slice(0, depth).join('/');
    const below = parts.slice(depth).join('/');
    const gitignore = await readGitignore(path.join(root, base));
    if (gitignore !== undefined && ignore().add(gitignore).ignores(below)) return false;
  }
  return ignore().add([...settings.include]).ignores(relative);
}
