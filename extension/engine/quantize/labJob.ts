// Starts the quantization lab in a child process (labWorker.ts) and settles on its one result.
// A native crash in ONNX Runtime ends only that process; cancel() ends it on purpose.

import { fork } from 'node:child_process';
import { isLabEvent, type LabEvent, type LabRequest, type LabResult } from './labProtocol';

export interface LabJob {
  readonly finished: Promise<LabResult>;
  cancel(): void;
}

export function startQuantizationLab(request: LabRequest, workerScript: string, onProgress?: (event: Extract<LabEvent, { type: 'progress' }>) => void): LabJob {
  const child = fork(workerScript, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced', execArgv: [] });
  let cancelled = false;
  const finished = new Promise<LabResult>((resolve, reject) => {
    child.on('message', (message) => {
      if (!isLabEvent(message)) return;
      if (message.type === 'progress') onProgress?.(message);
      else if (message.type === 'result') resolve(message.result);
      else reject(new Error(message.message));
    });
    child.on('error', (error) => reject(new Error(`the quantization process failed: ${error.message}`)));
    child.on('exit', (code, signal) => reject(new Error(cancelled ? 'cancelled' : `the quantization process ${signal ? `was killed by ${signal}` : `exited with code ${code}`} before finishing`)));
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
