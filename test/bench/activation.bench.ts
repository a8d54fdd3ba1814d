// The extension's start-up in the real extension host: `npm run test:integration` is run WINDOWS
// times with only the activation suite, each a fresh code-server window loading this repository's
// dist/extension.js, and the extension host's own figures (extension/activationClock.ts, printed
// by test/integration/activation.test.ts) are read from each. The median is the figure to quote;
// the goal is under 30 ms from the bundle's first line to the end of activate().

import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { parseActivationLine, type ActivationFigures } from '../integration/activationLine';
import { median, report, type Bench } from './bench';

const WINDOWS = 5;

export const bench: Bench = {
  name: 'activation',
  description: `activate() in the real extension host (code-server), bundle start to end of activate(), median of ${WINDOWS} window loads`,
  async run() {
    const repoRoot = path.resolve(__dirname, '..', '..');
    const runs: ActivationFigures[] = [];
    for (let i = 0; i < WINDOWS; i++) {
      const result = spawnSync(process.execPath, ['--import', 'tsx', 'test/harness/run-integration.ts', '--grep', '^Activation '], {
        cwd: repoRoot,
        encoding: 'utf8',
        timeout: 600_000,
      });
      const figures = parseActivationLine(result.stdout ?? '');
      if (result.status !== 0 || !figures) {
        throw new Error(`window ${i + 1}: the activation suite ${result.status === 0 ? 'printed no timing' : `failed (exit ${result.status})`}\n${result.stdout}${result.stderr}`);
      }
      console.log(
        `  window ${i + 1}: ${figures.totalMilliseconds.toFixed(1)} ms (modules ${figures.loadMilliseconds.toFixed(1)} + activate() ` +
          `${figures.activateMilliseconds.toFixed(1)}), CPU ${figures.cpuMilliseconds.toFixed(1)} ms`,
      );
      runs.push(figures);
    }
    const pick = (key: keyof ActivationFigures) => median(runs.map((r) => r[key]));
    report('bundle start to end of activate()', pick('totalMilliseconds'), 'ms', `median of ${WINDOWS} windows; goal < 30 ms`);
    report('  loading the modules', pick('loadMilliseconds'), 'ms');
    report('  activate() (the registrations)', pick('activateMilliseconds'), 'ms');
    report('extension host CPU over the same spans', pick('cpuMilliseconds'), 'ms', 'the wall figure less the waits for a core on a loaded machine');
  },
};
