// A one-shot job in a child process: fork the script, send one request, pass its progress events
// on, and settle on its one `result` or `error`. A native crash in ONNX Runtime ends only the child;
// cancel() ends it on purpose (jobs run this way keep no state worth saving).

import { fork } from 'node:child_process';

export type ChildEvent<Progress, Result> =
  | { readonly type: 'progress'; readonly progress: Progress }
  | { readonly type: 'result'; readonly result: Result }
  | { readonly type: 'error'; readonly message: string };

export interface ChildJob<Result> {
  readonly finished: Promise<Result>;
  cancel(): void;
}

function isChildEvent(value: unknown): value is ChildEvent<unknown, unknown> {
  const type = (value as { type?: unknown } | null)?.type;
  return type === 'progress' || type === 'result' || type === 'error';
}

/** `what` names the job in errors ("the quantization process exited with code 1…"). */
export function startChildJob<Progress, Result>(script: string, request: object, what: string, onProgress?: (progress: Progress) => void): ChildJob<Result> {
  // execArgv: [] so that a host started with --inspect does not hand its debug port to the child.
  const child = fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced', execArgv: [] });
  let cancelled = false;
  const finished = new Promise<Result>((resolve, reject) => {
    child.on('message', (message) => {
      if (!isChildEvent(message)) return;
      if (message.type === 'progress') onProgress?.(message.progress as Progress);
      else if (message.type === 'result') resolve(message.result as Result);
      else reject(new Error(message.message));
    });
    child.on('error', (error) => reject(new Error(`the ${what} process failed: ${error.message}`)));
    child.on('exit', (code, signal) => reject(new Error(cancelled ? 'cancelled' : `the ${what} process ${signal ? `was killed by ${signal}` : `exited with code ${code}`} before finishing`)));
  });
  child.send(request);
  return {
    finished,
    cancel: () => {
      cancelled = true;
      child.kill();
    },
  };
}

/** The child's side: answers the first request `accept` takes with `run`'s result, then closes. */
export function serveChildJob<Request, Progress, Result>(
  channel: { send(m: ChildEvent<Progress, Result>): void; onMessage(l: (m: unknown) => void): void; close(): void },
  accept: (message: unknown) => message is Request,
  run: (request: Request, progress: (p: Progress) => void) => Promise<Result>,
): void {
  let started = false;
  channel.onMessage((message) => {
    if (!accept(message) || started) return;
    started = true;
    run(message, (progress) => channel.send({ type: 'progress', progress }))
      .then((result) => channel.send({ type: 'result', result }))
      .catch((error: Error) => channel.send({ type: 'error', message: error.message }))
      .finally(() => channel.close());
  });
}
