// `test`: runs an eval suite (*.llmeval.json) against a model folder, prints each test's verdict
// and message, the multiple-choice accuracy with its 95% interval against chance, and optionally
// writes JUnit XML. Exit code 1 when a test failed or errored, 2 when the suite file is invalid.
//   npm run cli -- test walkthroughs/eval-suites/tinystories-expect.llmeval.json --model models/tinystories-1m --junit out.xml

import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { isAtOrInside } from '../files/insideFolder';
import { openEvalModel } from '../eval/evalModel';
import { junitXml } from '../eval/junit';
import { choiceAccuracy, runSuite } from '../eval/runSuite';
import { readSuiteFile } from '../eval/suiteLocation';
import { writeFileAtomic } from '../modelFolder/atomicWrite';
import type { CliCommand } from './main';

const USAGE = `usage: npm run cli -- test <suite.llmeval.json> --model <folder> [options]
  --junit FILE   also write the results as JUnit XML
  --json         print each result as one JSON object per line
  --threads N    ONNX Runtime threads (default: every core)`;

export const testCommand: CliCommand = {
  summary: 'runs an eval suite (*.llmeval.json) on a model folder; exit 1 when a test fails; JUnit XML',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        model: { type: 'string' },
        junit: { type: 'string' },
        json: { type: 'boolean', default: false },
        threads: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
    const [file] = positionals;
    if (values.help || !file || !values.model || positionals.length > 1) {
      console.log(USAGE);
      if (!values.help) process.exitCode = 2;
      return;
    }
    const threads = values.threads === undefined ? undefined : Number(values.threads);
    if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) throw new Error(`--threads must be a positive integer, got "${values.threads}"`);
    const parsed = readSuiteFile(file);
    if (!parsed.ok) {
      for (const p of parsed.problems) console.error(`${file}:${p.line}:${p.column}: ${p.message}`);
      process.exitCode = 2;
      return;
    }
    const { suite } = parsed;
    const lm = await openEvalModel(values.model, { threads });
    try {
      // Files the suite names must be inside the current folder, or the suite's own when it lies elsewhere.
      const dir = path.dirname(path.resolve(file));
      const root = isAtOrInside(process.cwd(), dir) ? process.cwd() : dir;
      const results = await runSuite(lm, suite, { dir, root }, {
        onResult: (r) => {
          if (values.json) console.log(JSON.stringify(r));
          else console.log(`${r.status.padEnd(8)} ${r.kind.padEnd(10)} ${r.name}  (${(r.durationMs / 1000).toFixed(2)} s)\n${r.message.replace(/^/gm, '           ')}`);
        },
      });
      const accuracy = choiceAccuracy(suite, results);
      const passed = results.filter((r) => r.status === 'passed').length;
      if (!values.json) {
        if (accuracy) {
          const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
          console.log(`choice accuracy ${accuracy.correct}/${accuracy.total} = ${pct(accuracy.accuracy)} (95% interval ${pct(accuracy.interval.low)}–${pct(accuracy.interval.high)}), chance ${pct(accuracy.chance)}`);
        }
        console.log(`${passed} of ${results.length} tests passed on ${lm.folder.name}`);
      }
      if (values.junit) writeFileAtomic(values.junit, junitXml(suite.name ?? path.basename(file), results));
      if (passed < results.length) process.exitCode = 1;
    } finally {
      await lm.release();
    }
  },
};
