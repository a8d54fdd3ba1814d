// Fetches one repository file into the cache's blobs/ folder, resumably and verified:
//   1. bytes already in blobs/<etag>.incomplete are hashed again and kept;
//   2. GET {endpoint}/{repo}/resolve/{commit}/{path} with "Range: bytes=<kept>-"; a 206 answer
//      appends, a 200 answer (a server that ignores Range) starts over;
//   3. the Hub's ETag (X-Linked-Etag for an LFS file, behind the redirect to the CDN) must name the
//      same content as the file list said;
//   4. the whole content must hash to it: SHA-256 for an LFS file, and for a small file Git's blob
//      id, SHA-1("blob <size>\0" + content). Only then is .incomplete renamed to the blob.
// A dropped connection is retried from where it stopped; a checksum mismatch deletes the partial
// file (its bytes are wrong, resuming would keep them); a cancel keeps it.
import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DownloadCancelledError, HubError } from './hubError';
import { type HubRequestOptions, hubGet } from './hubRequest';
import type { RepoFile } from './repoFiles';
import { statusError } from './repoFiles';

/** The name of a file's blob: what huggingface_hub names it, its LFS SHA-256 or its Git blob id. */
export function etagOf(file: RepoFile): string {
  return file.lfsSha256 ?? file.blobId;
}

export interface FetchBlobRequest {
  readonly endpoint: string;
  readonly repo: string;
  readonly commit: string;
  readonly file: RepoFile;
  /** Absolute path of blobs/<etag>. */
  readonly blob: string;
  /** Called with the number of new bytes as they arrive. */
  readonly onBytes: (bytes: number) => void;
}

const ATTEMPTS = 3;

export async function fetchBlob(request: FetchBlobRequest, options: HubRequestOptions): Promise<void> {
  const { repo, file, blob } = request;
  if (fs.statSync(blob, { throwIfNoEntry: false })?.size === file.size) return;
  for (let attempt = 1; ; attempt++) {
    try {
      await fetchOnce(request, options);
      return;
    } catch (error) {
      if (options.signal?.aborted) throw new DownloadCancelledError(repo);
      // The Hub's own refusals and wrong bytes are final; a dropped connection is worth another try.
      if (error instanceof HubError || attempt === ATTEMPTS) throw asHubError(repo, file.path, error);
    }
  }
}

async function fetchOnce(request: FetchBlobRequest, options: HubRequestOptions): Promise<void> {
  const { endpoint, repo, commit, file, blob, onBytes } = request;
  const partial = `${blob}.incomplete`;
  fs.mkdirSync(path.dirname(blob), { recursive: true });
  let kept = fs.statSync(partial, { throwIfNoEntry: false })?.size ?? 0;
  if (kept > file.size) {
    fs.rmSync(partial);
    kept = 0;
  }
  const url = `${endpoint}/${repo}/resolve/${commit}/${file.path.split('/').map(encodeURIComponent).join('/')}`;
  const { response, hops } = await hubGet(url, { ...options, headers: kept > 0 ? { range: `bytes=${kept}-` } : {} });
  const status = response.statusCode ?? 0;
  if (status === 416 && kept === file.size) {
    response.resume();
  } else if (status !== 200 && status !== 206) {
    response.resume();
    throw statusError(repo, status, hops[0]?.['x-error-code'], commit, file.path);
  }
  checkEtag(repo, file, hops[0]?.['x-linked-etag'] ?? hops[0]?.etag);

  const append = status === 206;
  if (!append) kept = 0;
  const hash = await hashOfKept(file, partial, kept);
  if (status !== 416) {
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        onBytes(chunk.length);
        done(null, chunk);
      },
    });
    const out = fs.createWriteStream(partial, { flags: append ? 'a' : 'w' });
    try {
      await pipeline(response, counter, out, { signal: options.signal });
    } finally {
      // A write in flight when the connection drops lands after pipeline() rejects: wait for it, so
      // the next attempt measures the partial file it will append to.
      if (!out.closed) await once(out, 'close');
    }
  }

  const size = fs.statSync(partial).size;
  const digest = hash.digest('hex');
  const expected = etagOf(file);
  if (size !== file.size || digest !== expected) {
    fs.rmSync(partial, { force: true });
    const algorithm = file.lfsSha256 ? 'SHA-256' : 'Git blob SHA-1';
    throw new HubError(repo, `checksum mismatch: expected ${file.size} bytes with ${algorithm} ${expected}, got ${size} bytes with ${digest}; the partial file was removed, download again`, { file: file.path });
  }
  fs.renameSync(partial, blob);
}

/** The Hub's ETag is quoted, and weak ("W/") when a proxy recompressed the answer. */
function checkEtag(repo: string, file: RepoFile, header: string | string[] | undefined): void {
  if (header === undefined) return;
  const etag = String(header).replace(/^W\//, '').replace(/"/g, '');
  if (etag !== etagOf(file)) {
    throw new HubError(repo, `the Hub's ETag ${etag} differs from its file list (${etagOf(file)}): the file changed during the download, try again`, { file: file.path });
  }
}

/** A hash primed with the bytes already on disk (and, for Git's blob id, its "blob <size>\0" header). */
async function hashOfKept(file: RepoFile, partial: string, kept: number): Promise<Hash> {
  const hash = createHash(file.lfsSha256 ? 'sha256' : 'sha1');
  if (!file.lfsSha256) hash.update(`blob ${file.size}\0`);
  if (kept > 0) {
    for await (const chunk of fs.createReadStream(partial, { start: 0, end: kept - 1 })) hash.update(chunk as Buffer);
  }
  return hash;
}

function asHubError(repo: string, file: string, error: unknown): HubError {
  if (error instanceof HubError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return new HubError(repo, 'the disk is full; free some space and download again (the part fetched is kept)', { file });
  return new HubError(repo, `download failed: ${(error as Error).message} (the part fetched is kept; downloading again resumes it)`, { file });
}
