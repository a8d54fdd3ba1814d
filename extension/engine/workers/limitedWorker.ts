// Runs untrusted work (a chat template, a tokenizer's regular expressions) in a child process with
// limits, so that nothing a file holds can stall or crash the caller:
//   memory  the child's V8 heap is capped (--max-old-space-size); running out ends the child only
//   time    each request has a budget; past it the child is killed (a regular expression that
//           backtracks cannot be interrupted any other way)
// A worker thread with resourceLimits is not enough: a single large allocation past the limit
// (a template's range(10**9) growing one array) aborts the whole process, host included, with
// V8's "heap out of memory". A process is the boundary V8 cannot cross.
// The child is long-lived: it starts with the first request, keeps what it loaded (parsed
// tokenizers) for the next, and after a kill or a crash the next request starts a fresh one.
// Requests run one at a time, so each budget measures its own request only. Two clocks per
// request: `startupMs` covers starting the child and its preparations (loading a file whose size
// was checked), `timeoutMs` the untrusted part, from the moment the child says it begins
// (requestServer.ts's `begin()`).

import type { ChildProcess } from 'node:child_process';
import { forkWorker } from './forkWorker';
import type { WorkerReply, WorkerRequest } from './requestServer';

export interface WorkerLimits {
  /** The child's old-generation heap, in MB. */
  readonly heapMb: number;
  /** For starting the child and preparing (loading files) before the untrusted part begins. */
  readonly startupMs: number;
}

export interface RequestLimits {
  /** Budget of the untrusted part. */
  readonly timeoutMs: number;
  /** The message when the budget is spent, naming the file and the problem. */
  readonly onTimeout: (ms: number) => string;
  /** The message when the child runs out of memory (default: a generic one). */
  readonly onOutOfMemory?: (megabytes: number) => string;
}

/** Why a request failed because of a limit: the message names the file and the problem. */
export class LimitExceededError extends Error {
  constructor(
    message: string,
    readonly limit: 'time' | 'memory' | 'crash',
  ) {
    super(message);
    this.name = 'LimitExceededError';
  }
}

interface Queued<Req> {
  readonly request: Req;
  readonly limits: RequestLimits;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** The end of the child's stderr, kept to tell an out-of-memory abort from other crashes and to say why it ended. */
const STDERR_KEPT = 4096;

function lastLine(stderr: string): string {
  const line = stderr.trim().split('\n').at(-1)?.trim();
  return line ? ` (${line})` : '';
}

export class LimitedWorker<Req> {
  private child: ChildProcess | undefined;
  private stderr = '';
  private readonly queue: Queued<Req>[] = [];
  private running: { id: number; job: Queued<Req>; timer: ReturnType<typeof setTimeout> } | undefined;
  private nextId = 1;

  /** `script`: the worker's entry (dist/<name>.js); `what` names the worker in messages. */
  constructor(
    private readonly script: string,
    private readonly what: string,
    private readonly limits: WorkerLimits,
  ) {}

  /** Runs `request` in the child; resolves with its answer. */
  run<Res>(request: Req, limits: RequestLimits): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      this.queue.push({ request, limits, resolve: resolve as (value: unknown) => void, reject });
      this.next();
    });
  }

  /** Ends the child; queued and running requests fail. */
  dispose(): void {
    const child = this.child;
    this.child = undefined;
    const error = new Error(`${this.what} was stopped`);
    this.finish(undefined, error);
    for (const job of this.queue.splice(0)) job.reject(error);
    child?.kill('SIGKILL');
  }

  private next(): void {
    if (this.running || this.queue.length === 0) return;
    const job = this.queue.shift() as Queued<Req>;
    const id = this.nextId++;
    const child = this.started();
    // Held while a request runs (a command-line caller waits for it), let go when idle.
    child.ref();
    child.channel?.ref();
    const timer = setTimeout(() => this.expire(child, `${this.what} did not get ready within ${this.limits.startupMs / 1000} s`), this.limits.startupMs);
    this.running = { id, job, timer };
    child.send({ id, request: job.request } satisfies WorkerRequest<Req>);
  }

  private started(): ChildProcess {
    if (this.child?.connected) return this.child;
    const child = forkWorker(this.script, { heapMb: this.limits.heapMb, stderr: 'pipe' });
    this.stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString('utf8')).slice(-STDERR_KEPT)));
    child.on('message', (message: WorkerReply) => this.received(child, message));
    child.on('error', (error) => this.child === child && this.lost(child, `${this.what} failed: ${error.message}`, 'crash'));
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      const outOfMemory = /heap out of memory|Allocation failed/i.test(this.stderr);
      const running = this.running?.job;
      if (outOfMemory) this.lost(child, running?.limits.onOutOfMemory?.(this.limits.heapMb) ?? `${this.what} ran out of memory (limit ${this.limits.heapMb} MB)`, 'memory');
      else this.lost(child, `${this.what} ${signal ? `was killed by ${signal}` : `exited with code ${code}`} before answering${lastLine(this.stderr)}`, 'crash');
    });
    this.child = child;
    return child;
  }

  private received(child: ChildProcess, message: WorkerReply): void {
    const running = this.running;
    if (!running || message.id !== running.id || this.child !== child) return;
    if (message.begin) {
      // The untrusted part starts now: its own budget replaces the startup clock.
      clearTimeout(running.timer);
      const { limits } = running.job;
      running.timer = setTimeout(() => this.expire(child, limits.onTimeout(limits.timeoutMs)), limits.timeoutMs);
      return;
    }
    if (message.error) this.finish(undefined, Object.assign(new Error(message.error.message), { name: message.error.name }));
    else this.finish(message.result);
  }

  /** A budget ran out: the child is killed (the only way to stop a running regex) and the request fails. */
  private expire(child: ChildProcess, message: string): void {
    this.lost(child, message, 'time');
    child.kill('SIGKILL');
  }

  private lost(child: ChildProcess, message: string, limit: LimitExceededError['limit']): void {
    if (this.child === child) this.child = undefined;
    this.finish(undefined, new LimitExceededError(message, limit));
  }

  private finish(result: unknown, error?: Error): void {
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    clearTimeout(running.timer);
    if (error) running.job.reject(error);
    else running.job.resolve(result);
    if (this.queue.length === 0 && this.child) {
      this.child.unref();
      this.child.channel?.unref();
    }
    this.next();
  }
}
