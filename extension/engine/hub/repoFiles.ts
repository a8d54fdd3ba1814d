// A repository's file list at one revision, from the Hub's API:
//   GET {endpoint}/api/models/{repo}/revision/{revision}?blobs=true
// answers the commit the revision points at ("sha") and, per file, its size and its Git blob id,
// and for a file kept in Git LFS (weights) its SHA-256. Those two hashes name the blobs in the
// cache and are what a downloaded file is checked against.
import { HubError } from './hubError';
import { type HubRequestOptions, hubGet, readBody } from './hubRequest';

export interface RepoFile {
  /** Path inside the repository, '/'-separated ("onnx/model.onnx"). */
  readonly path: string;
  readonly size: number;
  /** Git's blob id: SHA-1 of "blob <size>\0" + content. */
  readonly blobId: string;
  /** SHA-256 of the content, for files stored in Git LFS. */
  readonly lfsSha256?: string;
}

export interface RepoListing {
  readonly repo: string;
  /** The commit the revision resolved to: the snapshot's folder name. */
  readonly commit: string;
  readonly files: readonly RepoFile[];
}

export async function listRepoFiles(endpoint: string, repo: string, revision: string, options: HubRequestOptions): Promise<RepoListing> {
  const url = `${endpoint}/api/models/${repo}/revision/${encodeURIComponent(revision)}?blobs=true`;
  let answer: Awaited<ReturnType<typeof hubGet>>;
  try {
    answer = await hubGet(url, options);
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new HubError(repo, `cannot reach ${endpoint} (${(error as Error).message}); set HF_ENDPOINT for a mirror, or http.proxy for a proxy`);
  }
  const { response } = answer;
  const body = await readBody(response);
  const status = response.statusCode ?? 0;
  if (status !== 200) throw statusError(repo, status, response.headers['x-error-code'], revision);
  return parseListing(repo, body);
}

/** The message for a Hub answer that is not a success, from its status and X-Error-Code. */
export function statusError(repo: string, status: number, errorCode: string | string[] | undefined, revision: string, file?: string): HubError {
  const code = String(errorCode ?? '');
  const problem =
    code === 'GatedRepo'
      ? 'is gated: accept its terms on the Hub and give a token (HF_TOKEN, or the token the editor asks for)'
      : code === 'RevisionNotFound'
        ? `has no revision "${revision}"`
        : code === 'EntryNotFound' || (file && status === 404)
          ? 'is not in the repository'
          : status === 401 || status === 403
            ? 'needs a token: it is private or gated, or does not exist (HTTP ' + status + ')'
            : status === 404
              ? 'no such repository on the Hub (HTTP 404)'
              : `the Hub answered HTTP ${status}`;
  return new HubError(repo, problem, { file, status });
}

function parseListing(repo: string, body: string): RepoListing {
  let json: { sha?: unknown; siblings?: unknown };
  try {
    json = JSON.parse(body);
  } catch {
    throw new HubError(repo, 'the Hub\'s file list is not JSON');
  }
  if (typeof json.sha !== 'string' || !/^[0-9a-f]{40}$/.test(json.sha) || !Array.isArray(json.siblings)) {
    throw new HubError(repo, 'the Hub\'s file list has no commit "sha" or no "siblings"');
  }
  const files = json.siblings.map((entry: Record<string, unknown>): RepoFile => {
    const name = entry.rfilename;
    const lfs = entry.lfs as { sha256?: unknown } | undefined;
    if (typeof name !== 'string' || !safeRelativePath(name) || typeof entry.size !== 'number' || typeof entry.blobId !== 'string') {
      throw new HubError(repo, `the Hub's file list has an entry without a safe rfilename, size and blobId: ${JSON.stringify(entry).slice(0, 200)}`);
    }
    return { path: name, size: entry.size, blobId: entry.blobId, lfsSha256: typeof lfs?.sha256 === 'string' ? lfs.sha256 : undefined };
  });
  return { repo, commit: json.sha, files };
}

/** A repository path that stays inside the snapshot folder: no absolute path, no "..", no empty part. */
function safeRelativePath(name: string): boolean {
  return name.length > 0 && !name.startsWith('/') && !name.includes('\\') && name.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}
