// The one assertion every hostile input shares: the action fails, within a bounded time, with a
// message that names the file and the problem.
import { strict as assert } from 'node:assert';

/** The bound: any hostile input is answered within 5 seconds. */
export const HOSTILE_BOUND_MS = 5_000;

/** Runs `action`, expects it to throw or reject with a message matching `message`, and within the bound. */
export async function failsWithin(action: () => unknown, message: RegExp, boundMs = HOSTILE_BOUND_MS): Promise<Error> {
  const start = performance.now();
  let error: Error | undefined;
  try {
    await action();
  } catch (caught) {
    error = caught as Error;
  }
  const elapsed = performance.now() - start;
  assert.ok(error, `expected a failure matching ${message}, but it succeeded after ${Math.round(elapsed)} ms`);
  assert.match(error.message, message);
  assert.ok(elapsed < boundMs, `took ${Math.round(elapsed)} ms, more than ${boundMs} ms: ${error.message}`);
  return error;
}

/** Runs `action` and expects it to succeed within the bound; returns its result. */
export async function succeedsWithin<T>(action: () => T | Promise<T>, boundMs = HOSTILE_BOUND_MS): Promise<T> {
  const start = performance.now();
  const result = await action();
  const elapsed = performance.now() - start;
  assert.ok(elapsed < boundMs, `took ${Math.round(elapsed)} ms, more than ${boundMs} ms`);
  return result;
}
