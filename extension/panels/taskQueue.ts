// A panel's model work, one task at a time, in the order asked. Each task gets an AbortSignal:
// "stop" aborts the running task, and a newer request can replace everything still to do (a new
// selection makes the old inspection pointless). A task that fails is reported once, through
// `onError`; one that was aborted is not a failure. No vscode here, so unit tests run it.

export type Task<T> = (signal: AbortSignal) => Promise<T>;

export class TaskQueue {
  private tail: Promise<unknown> = Promise.resolve();
  /** The aborts of the running task and of every task waiting for its turn. */
  private readonly pending = new Set<AbortController>();
  private running: AbortController | undefined;
  private disposed = false;

  constructor(private readonly onError: (error: Error) => void | Promise<void>) {}

  /** True while a task runs or waits. */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  /**
   * Runs `task` after the tasks before it. Resolves to its result, or undefined when it failed
   * (the error went to onError) or was aborted before or while it ran.
   */
  enqueue<T>(task: Task<T>): Promise<T | undefined> {
    const abort = new AbortController();
    if (this.disposed) abort.abort();
    this.pending.add(abort);
    const run = async (): Promise<T | undefined> => {
      try {
        if (abort.signal.aborted) return undefined;
        this.running = abort;
        return await task(abort.signal);
      } catch (error) {
        if (!abort.signal.aborted) await this.onError(error instanceof Error ? error : new Error(String(error)));
        return undefined;
      } finally {
        if (this.running === abort) this.running = undefined;
        this.pending.delete(abort);
      }
    };
    const result = this.tail.then(run);
    this.tail = result;
    return result;
  }

  /** Aborts every task, running or waiting, then runs `task`. */
  replace<T>(task: Task<T>): Promise<T | undefined> {
    this.cancelAll();
    return this.enqueue(task);
  }

  /** Aborts the running task; the ones waiting still run. */
  cancelRunning(): void {
    this.running?.abort();
  }

  private cancelAll(): void {
    for (const abort of this.pending) abort.abort();
  }

  /** Aborts everything; tasks enqueued later are aborted before they start. */
  dispose(): void {
    this.disposed = true;
    this.cancelAll();
  }
}
