// Starts a worker script as a child process the one way every host here does (the inference
// process, the RAG index worker, the training process, the limited tokenizer workers, the API
// server's process): messages as structured clones ('advanced' serialization: typed arrays and
// Maps arrive whole), stdout and stderr into the extension's own, and none of the host's Node
// flags. A host started with --inspect would otherwise hand its debugger port to the child, which
// then fails to start (the port is taken) or listens where nobody expects it.

import { fork, type ChildProcess } from 'node:child_process';

export interface ForkOptions {
  /** The child's old-generation heap cap, in MB (--max-old-space-size); none by default. */
  readonly heapMb?: number;
  /** The child's old generation at start, in MB (--initial-old-space-size); V8 sizes it by default. */
  readonly initialOldSpaceMb?: number;
  /** 'pipe' keeps stderr for the caller to read (why a child ended); default 'inherit'. */
  readonly stderr?: 'inherit' | 'pipe';
}

export function forkWorker(script: string, options: ForkOptions = {}): ChildProcess {
  return fork(script, [], {
    stdio: ['ignore', 'inherit', options.stderr ?? 'inherit', 'ipc'],
    serialization: 'advanced',
    execArgv: [
      ...(options.heapMb === undefined ? [] : [`--max-old-space-size=${options.heapMb}`]),
      ...(options.initialOldSpaceMb === undefined ? [] : [`--initial-old-space-size=${options.initialOldSpaceMb}`]),
    ],
  });
}
