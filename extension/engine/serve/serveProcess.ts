// Starts the API server's own process (serveWorker.ts). The extension, `npm run cli -- serve` and
// the serve benchmark all start it here, so the server runs the same way under all three.

import type { ChildProcess } from 'node:child_process';
import { forkWorker } from '../workers/forkWorker';

/**
 * The server process's old generation starts at 64 MB. Left to itself, V8 sizes it from the
 * ~10 MB the server holds (a limit of about 26 MB) and starts a full mark-compact whenever the room
 * left under that limit is no larger than the young generation (16 MB). On the bundled model that
 * was a mark-compact every ~190 tokens (39 in 61 streamed completions, `node --trace-gc`); with a
 * 64 MB start, one every ~5 s, and the server's CPU per token fell from 0.60 to 0.52 ms.
 */
export const SERVER_INITIAL_OLD_SPACE_MB = 64;

export function forkServeWorker(script: string): ChildProcess {
  return forkWorker(script, { initialOldSpaceMb: SERVER_INITIAL_OLD_SPACE_MB });
}
