// The extension's side of the eval process (evalWorker.ts). The process starts with the first job
// and stays, keeping the model open, for the next. Cancelling sends `cancel`, which the process
// honours between windows or tests; if no answer has come a second later, the process is killed,
// so a cancelled run always stops within a second. After a crash or a kill, the jobs it held
// fail with the reason and the next job starts a fresh process.

import { type ChildProcess, fork } from 'node:child_process';
import { type EvalReply, type EvalRequest, isEvalReply } from './evalJobs';
import type { TestResult } from './runSuite';
import { SurpriseColumns } from './surpriseColumns';

/** How long a cancelled job may take to stop before its process is killed. */
const CANCEL_GRACE_MS = 1000;

interface Pending {
  resolve(reply: EvalReply): void;
  reject(error: Error): void;
  onEvent(reply: EvalReply): void;
}

export interface JobOptions {
  readonly signal?: AbortSignal;
}

function abortError(): Error {
  return Object.assign(new Error('the evaluation was cancelled'), { name: 'AbortError' });
}

export class EvalWorkerHost {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /** `workerScript`: dist/evalWorker.js in the extension. */
  constructor(private readonly workerScript: string) {}

  async surprise(model: string, text: string, options: JobOptions & { window?: number; stride?: number; onProgress?: (done: number, total: number) => void } = {}): Promise<{ report: SurpriseColumns; modelName: string }> {
    const reply = await this.request((id) => ({ type: 'surprise', id, model, text, window: options.window, stride: options.stride }), options.signal, (event) => {
      if (event.type === 'progress') options.onProgress?.(event.done, event.total);
    });
    if (reply.type !== 'surprised') throw new Error(`the eval process answered "${reply.type}" to surprise`);
    return { report: new SurpriseColumns(reply.report), modelName: reply.modelName };
  }

  async runSuite(
    model: string,
    suite: { text: string; dir: string; root: string; only?: readonly string[] },
    options: JobOptions & { onStarted?: (name: string) => void; onResult?: (result: TestResult) => void } = {},
  ): Promise<{ modelName: string; modelHash: string }> {
    const reply = await this.request((id) => ({ type: 'suite', id, model, suiteText: suite.text, dir: suite.dir, root: suite.root, only: suite.only }), options.signal, (event) => {
      if (event.type === 'testStarted') options.onStarted?.(event.name);
      if (event.type === 'testResult') options.onResult?.(event.result);
    });
    if (reply.type !== 'suiteDone') throw new Error(`the eval process answered "${reply.type}" to a suite`);
    return { modelName: reply.modelName, modelHash: reply.modelHash };
  }

  dispose(): void {
    const child = this.child;
    this.child = undefined;
    this.failAll(abortError());
    child?.kill();
  }

  private request(make: (id: number) => EvalRequest, signal: AbortSignal | undefined, onEvent: (reply: EvalReply) => void): Promise<EvalReply> {
    if (signal?.aborted) return Promise.reject(abortError());
    const id = this.nextId++;
    const child = this.started();
    return new Promise<EvalReply>((resolve, reject) => {
      let killer: NodeJS.Timeout | undefined;
      const cancel = () => {
        if (child.connected) child.send({ type: 'cancel', id } satisfies EvalRequest);
        killer = setTimeout(() => {
          if (this.child === child) this.child = undefined;
          this.pending.delete(id);
          reject(abortError());
          child.kill('SIGKILL');
        }, CANCEL_GRACE_MS);
      };
      signal?.addEventListener('abort', cancel, { once: true });
      const done = () => {
        clearTimeout(killer);
        signal?.removeEventListener('abort', cancel);
      };
      this.pending.set(id, { resolve: (reply) => (done(), resolve(reply)), reject: (error) => (done(), reject(error)), onEvent });
      child.send(make(id));
    });
  }

  private started(): ChildProcess {
    if (this.child?.connected) return this.child;
    // execArgv is emptied so that the host's own flags (an inspector port, say) are not inherited.
    const child = fork(this.workerScript, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced', execArgv: [] });
    child.on('message', (message) => this.received(message));
    child.on('error', (error) => this.child === child && this.failAll(new Error(`the eval process failed: ${error.message}`)));
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      this.failAll(new Error(`the eval process ${how} before finishing; the next run starts a new one`));
    });
    this.child = child;
    return child;
  }

  private received(message: unknown): void {
    if (!isEvalReply(message)) return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if (message.type === 'progress' || message.type === 'testStarted' || message.type === 'testResult') {
      pending.onEvent(message);
      return;
    }
    this.pending.delete(message.id);
    if (message.type === 'failed') pending.reject(Object.assign(new Error(message.message), { name: message.name }));
    else pending.resolve(message);
  }

  private failAll(error: Error): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(error);
  }
}
