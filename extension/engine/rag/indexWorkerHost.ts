// Runs index jobs in a child process (ragWorker.js, see indexWorker.ts), so that a long indexing
// run never stalls the caller's thread and a native crash in ONNX Runtime ends only that process.
// The process starts with the first job and stays for the next; after a crash, the jobs it held
// fail with a message and the next job starts a fresh process. A job that shows no sign of life
// for its time limit (a read stuck on a network drive, say) gets the process killed, so one stuck
// file cannot hold RAG up for the rest of the session.

import type { ChildProcess } from 'node:child_process';
import { forkWorker } from '../workers/forkWorker';
import type { AnswerRanking } from './answerRanking';
import type { IndexUpdate } from './heldIndexes';
import type { IndexedFileText, IndexProgress } from './indexer';
import type { IndexedChunk, Retrieval } from './ragIndex';
import { isIndexReply, type BuiltIndex, type IndexPartsSpec, type IndexReply, type IndexRequest } from './indexJobs';

interface Pending {
  resolve(reply: IndexReply): void;
  reject(error: Error): void;
  onProgress?: (progress: IndexProgress) => void;
  /** Restarts the job's clock: progress is a sign of life. */
  alive(): void;
}

/** How long a job may go without finishing (one file) or without progress (a build) before the worker is killed. */
export interface IndexTimeLimits {
  readonly fileMs: number;
  readonly silentBuildMs: number;
}

export const INDEX_TIME_LIMITS: IndexTimeLimits = { fileMs: 60_000, silentBuildMs: 120_000 };

function abortError(): Error {
  return Object.assign(new Error('indexing was cancelled'), { name: 'AbortError' });
}

export class IndexWorkerHost {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /** Why the worker is being killed, for the jobs that fail with it. */
  private killedBecause: string | undefined;

  /** `workerScript`: dist/ragWorker.js in the extension. */
  constructor(
    private readonly workerScript: string,
    private readonly limits: IndexTimeLimits = INDEX_TIME_LIMITS,
  ) {}

  /** Brings the index stored in `store` up to date with the folder `root` (see IndexJobs.build). */
  async build(root: string, store: string, parts: IndexPartsSpec, options: { signal?: AbortSignal; onProgress?: (p: IndexProgress) => void } = {}): Promise<BuiltIndex> {
    const what = `indexing ${root}`;
    const reply = await this.request((id) => ({ type: 'build', id, root, store, parts }), this.limits.silentBuildMs, what, options.signal, options.onProgress);
    if (reply.type !== 'built') throw new Error(`the RAG index worker answered "${reply.type}" to a build`);
    return reply.built;
  }

  /** Reads, chunks and embeds one file of `root`, and answers it without touching any index. */
  async indexFile(root: string, file: string, parts: IndexPartsSpec, signal?: AbortSignal): Promise<IndexedFileText> {
    return (await this.ask('file', (id) => ({ type: 'indexFile', id, root, file, parts }), `indexing ${root}/${file}`, signal)).result;
  }

  /** Re-indexes one changed path of `root` in the index the worker holds for `store`, and stores it. */
  async update(root: string, store: string, file: string, parts: IndexPartsSpec, signal?: AbortSignal): Promise<IndexUpdate> {
    return (await this.ask('updated', (id) => ({ type: 'update', id, root, store, file, parts }), `updating ${root}/${file}`, signal)).update;
  }

  /** Ranks every chunk of the index in `store` for `query` (its embedding `vector`); `limit` of each ranking come back. */
  async search(store: string, query: string, vector: Float32Array, limit: number, answer: AnswerRanking): Promise<{ retrieval: Retrieval; chunks: number }> {
    const { retrieval, chunks } = await this.ask('searched', (id) => ({ type: 'search', id, store, query, vector, limit, answer }), `searching ${store}`);
    return { retrieval, chunks };
  }

  /** The chunks of one file of the index in `store` ('/'-separated path), in file order. */
  async chunksOf(store: string, file: string): Promise<IndexedChunk[]> {
    return (await this.ask('chunks', (id) => ({ type: 'chunks', id, store, file }), `reading ${store}`)).chunks;
  }

  async chunk(store: string, chunkId: string): Promise<IndexedChunk | undefined> {
    return (await this.ask('chunks', (id) => ({ type: 'chunks', id, store, chunkId }), `reading ${store}`)).chunks[0];
  }

  /** Drops the worker's copy of the index in `store` (the folder was detached). */
  async forget(store: string): Promise<void> {
    if (this.child?.connected) await this.ask('forgotten', (id) => ({ type: 'forget', id, store }), `forgetting ${store}`);
  }

  /** A request that answers with one reply of type `expected`, within the per-file time limit. */
  private async ask<T extends IndexReply['type']>(expected: T, make: (id: number) => IndexRequest, what: string, signal?: AbortSignal): Promise<Extract<IndexReply, { type: T }>> {
    const reply = await this.request(make, this.limits.fileMs, what, signal);
    if (reply.type !== expected) throw new Error(`the RAG index worker answered "${reply.type}" to ${what}`);
    return reply as Extract<IndexReply, { type: T }>;
  }

  /** The worker's process id while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Stops the worker; jobs still running fail as cancelled. */
  dispose(): void {
    const child = this.child;
    this.child = undefined;
    this.failAll(abortError());
    child?.kill();
  }

  private request(make: (id: number) => IndexRequest, limitMs: number, what: string, signal?: AbortSignal, onProgress?: (p: IndexProgress) => void): Promise<IndexReply> {
    if (signal?.aborted) return Promise.reject(abortError());
    const id = this.nextId++;
    const child = this.started();
    return new Promise<IndexReply>((resolve, reject) => {
      const cancel = () => child.connected && child.send({ type: 'cancel', id } satisfies IndexRequest);
      signal?.addEventListener('abort', cancel, { once: true });
      let lastFile = '';
      const stuck = () => {
        const at = lastFile ? ` (at ${lastFile})` : '';
        this.kill(child, `${what} showed no progress for ${Math.round(limitMs / 1000)} s${at}; the RAG index worker was stopped and starts afresh with the next job`);
      };
      let timer = setTimeout(stuck, limitMs);
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', cancel);
      };
      this.pending.set(id, {
        resolve: (reply) => (done(), resolve(reply)),
        reject: (error) => (done(), reject(error)),
        onProgress: (progress) => {
          lastFile = progress.file;
          onProgress?.(progress);
        },
        alive: () => {
          clearTimeout(timer);
          timer = setTimeout(stuck, limitMs);
        },
      });
      child.send(make(id));
    });
  }

  private started(): ChildProcess {
    if (this.child?.connected) return this.child;
    const child = forkWorker(this.workerScript);
    child.on('message', (message) => this.received(message));
    child.on('error', (error) => this.child === child && this.failAll(new Error(`the RAG index worker failed: ${error.message}`)));
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      this.failAll(new Error(this.killedBecause ?? `the RAG index worker ${how} before finishing`));
      this.killedBecause = undefined;
    });
    this.child = child;
    return child;
  }

  private received(message: unknown): void {
    if (!isIndexReply(message)) return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if (message.type === 'progress') {
      // The worker is alive and busy: jobs queued behind this one restart their clocks too.
      for (const waiting of this.pending.values()) waiting.alive();
      pending.onProgress?.(message.progress);
      return;
    }
    this.pending.delete(message.id);
    if (message.type === 'failed') pending.reject(Object.assign(new Error(message.message), { name: message.name }));
    else pending.resolve(message);
  }

  /** Stops a stuck worker; its jobs fail with `reason`, and the next job starts a fresh one. */
  private kill(child: ChildProcess, reason: string): void {
    if (this.child !== child) return;
    this.killedBecause = reason;
    child.kill('SIGKILL');
  }

  private failAll(error: Error): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(error);
  }
}
