// The Hugging Face cache layout, as Python's huggingface_hub writes and reads it:
//   <cache>/models--org--name/
//     blobs/<etag>                   file contents, named by their hash (LFS SHA-256 or Git blob id)
//     blobs/<etag>.incomplete        a download in progress; never linked, so never seen as a file
//     snapshots/<commit>/<path>      relative symbolic links to ../../blobs/<etag>
//     refs/<revision>                the commit a branch or tag pointed at when last fetched
// A file appears in a snapshot only once its blob is complete and verified, and only by a rename,
// so a reader sees the whole file or none of it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../modelFolder/atomicWrite';
import { repoFolderName, repoIdOfFolder } from './hubLocation';

export function repoCacheDir(cacheDir: string, repo: string): string {
  return path.join(cacheDir, repoFolderName(repo));
}

export function blobPath(cacheDir: string, repo: string, etag: string): string {
  return path.join(repoCacheDir(cacheDir, repo), 'blobs', etag);
}

export function snapshotDir(cacheDir: string, repo: string, commit: string): string {
  return path.join(repoCacheDir(cacheDir, repo), 'snapshots', commit);
}

/** Puts `file` into the snapshot as a link to its blob (a copy where links are not allowed, as on Windows without developer mode). */
export function linkIntoSnapshot(cacheDir: string, repo: string, commit: string, file: string, etag: string): void {
  const target = path.join(snapshotDir(cacheDir, repo, commit), ...file.split('/'));
  const blob = blobPath(cacheDir, repo, etag);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.linking`;
  fs.rmSync(temp, { force: true });
  try {
    fs.symlinkSync(path.relative(path.dirname(target), blob), temp);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
    fs.copyFileSync(blob, temp);
  }
  fs.renameSync(temp, target);
}

/** Records that `revision` (a branch or tag) pointed at `commit`, so a later offline lookup finds the snapshot. */
export function writeRef(cacheDir: string, repo: string, revision: string, commit: string): void {
  if (revision === commit) return;
  writeFileAtomic(path.join(repoCacheDir(cacheDir, repo), 'refs', ...revision.split('/')), commit);
}

export interface CachedSnapshot {
  readonly repo: string;
  readonly commit: string;
  readonly dir: string;
  /** Branches or tags that point at this commit ("main"). */
  readonly refs: readonly string[];
}

/**
 * Snapshots in the cache that `isModel` accepts, whoever downloaded them (this program or
 * huggingface_hub). Reads folder names and the small refs files only; `limit` bounds the work on a
 * cache with thousands of repositories.
 */
export function cachedSnapshots(cacheDir: string, isModel: (dir: string) => boolean, limit = 500): CachedSnapshot[] {
  const found: CachedSnapshot[] = [];
  for (const folder of listDir(cacheDir).sort()) {
    const repo = repoIdOfFolder(folder);
    if (!repo) continue;
    const root = path.join(cacheDir, folder);
    const refs = readRefs(path.join(root, 'refs'));
    for (const commit of listDir(path.join(root, 'snapshots')).sort()) {
      if (found.length >= limit) return found;
      const dir = path.join(root, 'snapshots', commit);
      if (!isModel(dir)) continue;
      found.push({ repo, commit, dir, refs: [...refs].filter(([, c]) => c === commit).map(([name]) => name) });
    }
  }
  return found;
}

function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** refs/<name> → commit, for the top-level refs (main, tags); refs/pr/* are left out. */
function readRefs(dir: string): Map<string, string> {
  const refs = new Map<string, string>();
  for (const name of listDir(dir)) {
    try {
      const commit = fs.readFileSync(path.join(dir, name), 'utf8').trim();
      if (/^[0-9a-f]{40}$/.test(commit)) refs.set(name, commit);
    } catch {
      // A folder (refs/pr) or an unreadable file: not a ref we show.
    }
  }
  return refs;
}
