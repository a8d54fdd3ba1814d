// Starts a training job off the caller's thread and turns whatever happens to it into events.
// The job runs trainWorker.js either in a child process (default: a native crash in ONNX Runtime
// kills only that process) or in a worker thread (cheaper to start; an exception or exit in the
// thread is still reported, but a native crash would take the host process down with it).
// Either way the host sees progress, sample, checkpoint, then exactly one done or error.

import { fork, type ChildProcess } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import type { TrainOptions } from './options';
import { isTrainEvent, type DoneEvent, type HostToWorker, type TrainEvent } from './protocol';

export interface TrainingJobOptions {
  /** Path of trainWorker.js (dist/trainWorker.js in the extension). */
  readonly workerScript: string;
  readonly isolation?: 'process' | 'thread';
  readonly onEvent?: (event: TrainEvent) => void;
}

export interface TrainingJob {
  /** Resolves with `done`, or rejects with the error event's message (crash included). */
  readonly finished: Promise<DoneEvent>;
  /** Asks the job to stop after the current step; it saves a checkpoint and ends with done (cancelled). */
  cancel(): void;
  /** The child's process id (process isolation), e.g. to watch its memory. */
  readonly pid?: number;
}

export function startTrainingJob(options: TrainOptions, job: TrainingJobOptions): TrainingJob {
  let settled = false;
  let resolveDone!: (d: DoneEvent) => void;
  let rejectDone!: (e: Error) => void;
  const finished = new Promise<DoneEvent>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  const deliver = (event: TrainEvent) => {
    if (settled) return;
    job.onEvent?.(event);
    if (event.type === 'done') {
      settled = true;
      resolveDone(event);
    } else if (event.type === 'error') {
      settled = true;
      rejectDone(new Error(event.message));
    }
  };
  const onMessage = (message: unknown) => {
    if (isTrainEvent(message)) deliver(message);
  };
  // An exit before done or error is a crash: report it as the job's error.
  const onExit = (code: number | null, signal?: NodeJS.Signals | null) => {
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    deliver({ type: 'error', message: `the training process ${how} before finishing` });
  };

  let send: (m: HostToWorker) => void;
  let pid: number | undefined;
  if ((job.isolation ?? 'process') === 'process') {
    // execArgv is emptied so that the host's own flags (an inspector port, say) are not inherited.
    const child: ChildProcess = fork(job.workerScript, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced', execArgv: [] });
    pid = child.pid;
    child.on('message', onMessage);
    child.on('error', (error) => deliver({ type: 'error', message: `the training process failed: ${error.message}` }));
    child.on('exit', onExit);
    send = (m) => {
      if (child.connected) child.send(m);
    };
  } else {
    const worker = new Worker(job.workerScript);
    worker.on('message', onMessage);
    worker.on('error', (error) => deliver({ type: 'error', message: `the training thread failed: ${error.message}` }));
    worker.on('exit', (code) => onExit(code));
    send = (m) => worker.postMessage(m);
  }
  send({ type: 'start', options });
  return { finished, cancel: () => send({ type: 'cancel' }), pid };
}
