// What every benchmark shares: repeated timing with medians, and one way of printing figures.
// Benchmarks print; they never assert a timing.

import * as os from 'node:os';

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
