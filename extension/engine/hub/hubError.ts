// Every problem with a download names the repository, and the file where there is one, so the
// message alone says what went wrong ("HuggingFaceTB/x: onnx/model.onnx: checksum mismatch …").

export class HubError extends Error {
  readonly repo: string;
  /** The repository-relative file the problem is about, when there is one. */
  readonly file?: string;
  /** The HTTP status that caused it, when one did (401 gated, 404 missing). */
  readonly status?: number;

  constructor(repo: string, problem: string, options: { file?: string; status?: number } = {}) {
    super(options.file ? `${repo}: ${options.file}: ${problem}` : `${repo}: ${problem}`);
    this.name = 'HubError';
    this.repo = repo;
    this.file = options.file;
    this.status = options.status;
  }
}

/** Thrown when the caller's AbortSignal fires; the partial file stays for the next try to resume. */
export class DownloadCancelledError extends Error {
  constructor(repo: string) {
    super(`${repo}: download cancelled (the part already fetched is kept and the next download resumes from it)`);
    this.name = 'DownloadCancelledError';
  }
}
