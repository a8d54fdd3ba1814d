// The line the activation test prints with the extension host's start-up figures, and its parser:
// test/bench/activation.bench.ts reads it from each window load it starts.

export const ACTIVATION_LINE = 'activation timing: bundle start to end of activate()';

export interface ActivationFigures {
  readonly totalMilliseconds: number;
  readonly loadMilliseconds: number;
  readonly activateMilliseconds: number;
  readonly cpuMilliseconds: number;
}

export function activationLine({ totalMilliseconds, loadMilliseconds, activateMilliseconds, cpuMilliseconds }: ActivationFigures): string {
  return (
    `${ACTIVATION_LINE} ${totalMilliseconds.toFixed(2)} ms (loading modules ${loadMilliseconds.toFixed(2)} ms, ` +
    `activate() ${activateMilliseconds.toFixed(2)} ms; extension host CPU ${cpuMilliseconds.toFixed(2)} ms)`
  );
}

/** The figures of the first activation line in `output`, if there is one. */
export function parseActivationLine(output: string): ActivationFigures | undefined {
  const at = output.indexOf(ACTIVATION_LINE);
  if (at < 0) return undefined;
  const numbers = output
    .slice(at + ACTIVATION_LINE.length)
    .match(/^ ([\d.]+) ms \(loading modules ([\d.]+) ms, activate\(\) ([\d.]+) ms; extension host CPU ([\d.]+) ms\)/);
  if (!numbers) return undefined;
  const [totalMilliseconds, loadMilliseconds, activateMilliseconds, cpuMilliseconds] = numbers.slice(1).map(Number);
  return { totalMilliseconds, loadMilliseconds, activateMilliseconds, cpuMilliseconds };
}
