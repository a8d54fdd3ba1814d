// Downloads files of a Hub repository into the Hugging Face cache and returns the snapshot folder:
//   const { dir } = await downloadSnapshot('sentence-transformers/all-MiniLM-L6-v2', {
//     files: (path) => path.endsWith('.json') || path === 'onnx/model.onnx', onProgress, signal });
// Free disk space is checked before the first byte; every file is verified (fetchBlob.ts); the
// snapshot's links are made only after every blob is complete, so an interrupted download never
// looks like a finished folder. downloadModel.ts builds on this to fetch what the engine runs.
import * as fs from 'node:fs';
import { blobPath, linkIntoSnapshot, snapshotDir, writeRef } from './hubCache';
import { HubError } from './hubError';
import { checkRepoId, environmentToken, hubCacheDir, hubEndpoint } from './hubLocation';
import type { HubRequestOptions } from './hubRequest';
import { etagOf, fetchBlob } from './fetchBlob';
import { listRepoFiles, type RepoFile, type RepoListing } from './repoFiles';

export interface DownloadProgress {
  /** The file being fetched, repository-relative. */
  readonly file: string;
  readonly fileIndex: number;
  readonly fileCount: number;
  /** Bytes present so far across the files of this download (cached and resumed bytes included). */
  readonly bytes: number;
  readonly totalBytes: number;
}

export interface HubOptions {
  /** Default: HF_ENDPOINT, else https://huggingface.co. */
  readonly endpoint?: string;
  /** Default: HF_HUB_CACHE / HF_HOME (hubLocation.ts). */
  readonly cacheDir?: string;
  /** Default: HF_TOKEN, else the token file huggingface-cli writes. */
  readonly token?: string;
  /** http://host:port of a proxy. */
  readonly proxy?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: DownloadProgress) => void;
  /** Bytes free where the cache is; default: fs.statfs. Given to simulate a full disk. */
  readonly freeDiskBytes?: (dir: string) => Promise<number>;
}

export interface DownloadOptions extends HubOptions {
  /** A branch, tag or commit (default "main"). */
  readonly revision?: string;
  /** Which repository files to fetch (default: all). */
  readonly files?: (path: string) => boolean;
}

export interface DownloadedSnapshot {
  readonly repo: string;
  readonly commit: string;
  /** snapshots/<commit>: a folder in the repository's layout. */
  readonly dir: string;
  readonly files: readonly RepoFile[];
}

/** Endpoint, cache and request options with the defaults filled in. */
export interface HubContext {
  readonly endpoint: string;
  readonly cacheDir: string;
  readonly request: HubRequestOptions;
  readonly options: HubOptions;
}

export function hubContext(options: HubOptions): HubContext {
  const endpoint = (options.endpoint ?? hubEndpoint()).replace(/\/+$/, '');
  const token = options.token ?? environmentToken();
  return {
    endpoint,
    cacheDir: options.cacheDir ?? hubCacheDir(),
    request: { token, tokenOrigin: new URL(endpoint).origin, proxy: options.proxy, signal: options.signal },
    options,
  };
}

export async function downloadSnapshot(repo: string, options: DownloadOptions = {}): Promise<DownloadedSnapshot> {
  checkRepoId(repo);
  const context = hubContext(options);
  const revision = options.revision ?? 'main';
  const listing = await listRepoFiles(context.endpoint, repo, revision, context.request);
  const files = listing.files.filter((file) => options.files?.(file.path) ?? true);
  if (files.length === 0) throw new HubError(repo, `none of its ${listing.files.length} files is one asked for`);
  return fetchSnapshot(context, listing, revision, files);
}

/** Fetches `files` of `listing` (after a disk-space check), then links them into the snapshot. */
export async function fetchSnapshot(context: HubContext, listing: RepoListing, revision: string, files: readonly RepoFile[]): Promise<DownloadedSnapshot> {
  const { repo, commit } = listing;
  await checkDiskSpace(context, repo, files);
  const totalBytes = files.reduce((sum, file) => sum + file.size, 0);
  let bytes = 0;
  for (const [fileIndex, file] of files.entries()) {
    const blob = blobPath(context.cacheDir, repo, etagOf(file));
    bytes += presentBytes(blob);
    const report = () => context.options.onProgress?.({ file: file.path, fileIndex, fileCount: files.length, bytes, totalBytes });
    report();
    await fetchBlob({ endpoint: context.endpoint, repo, commit, file, blob, onBytes: (n) => ((bytes += n), report()) }, context.request);
  }
  for (const file of files) linkIntoSnapshot(context.cacheDir, repo, commit, file.path, etagOf(file));
  writeRef(context.cacheDir, repo, revision, commit);
  return { repo, commit, dir: snapshotDir(context.cacheDir, repo, commit), files };
}

/** Bytes of a blob already on disk, complete or in progress. */
function presentBytes(blob: string): number {
  return fs.statSync(blob, { throwIfNoEntry: false })?.size ?? fs.statSync(`${blob}.incomplete`, { throwIfNoEntry: false })?.size ?? 0;
}

/** Keeps this much free after the download, for the rest of the system. */
const DISK_MARGIN = 64 * 2 ** 20;

async function checkDiskSpace(context: HubContext, repo: string, files: readonly RepoFile[]): Promise<void> {
  const needed = files.reduce((sum, file) => sum + file.size - presentBytes(blobPath(context.cacheDir, repo, etagOf(file))), 0);
  fs.mkdirSync(context.cacheDir, { recursive: true });
  const free = await (context.options.freeDiskBytes ?? statfsFree)(context.cacheDir);
  if (needed + DISK_MARGIN > free) {
    throw new HubError(repo, `needs ${megabytes(needed)} more on disk (plus ${megabytes(DISK_MARGIN)} to spare) but ${context.cacheDir} has ${megabytes(free)} free; free some space or set HF_HUB_CACHE to another disk`);
  }
}

async function statfsFree(dir: string): Promise<number> {
  const stats = await fs.promises.statfs(dir);
  return stats.bavail * stats.bsize;
}

export function megabytes(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(2)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
