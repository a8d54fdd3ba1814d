// What every benchmark shares: repeated timing with medians, and one way of printing figures.
// Benchmarks print; they never assert a timing.

import * as os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface Bench {
  /** Short name, matched by `npm run bench -- <filter>`. */
  readonly name: string;
  readonly description: string;
  run(): Promise<void>;
}

/** Milliseconds of each of `repeats` calls, after `warmup` untimed ones. */
export async function timeRepeats(fn: () => Promise<unknown>, repeats: number, warmup = 1): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times;
}

/** Runs `job` and returns the longest stall of this thread's event loop meanwhile, in ms. */
export async function longestStall<T>(job: () => Promise<T>): Promise<{ result: T; stallMs: number }> {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  const turn = () => new Promise((resolve) => setTimeout(resolve, 30));
  delay.enable();
  try {
    // A stall is recorded when the sampling timer fires late: let it start before the job, and
    // fire once after it, so that a job that ends in one long synchronous stretch is counted.
    await turn();
    const result = await job();
    await turn();
    return { result, stallMs: delay.max / 1e6 };
  } finally {
    delay.disable();
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** One figure per line: label, value, unit, and how it was measured. */
export function report(label: string, value: number, unit: string, note = ''): void {
  const shown = value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
  console.log(`  ${label.padEnd(44)} ${shown.padStart(9)} ${unit.padEnd(10)} ${note}`);
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const load = os.loadavg()[0].toFixed(1);
  return `${cpu}, ${os.availableParallelism()} threads available, load average ${load} (figures are noisy when it exceeds the thread count), Node ${process.versions.node}`;
}
