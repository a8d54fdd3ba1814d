// `surprise`: every token of a text file with its surprise −ln p(x_t | x_<t) in nats, its
// probability, rank and the model's likeliest alternatives; then loss, perplexity, bits per byte
// and the calibration of the model's first choices (reliability bins and ECE).
// The windows are `eval`'s: `window` tokens starting every `stride`, each token scored once.
//   npm run cli -- surprise --model models/tinystories-1m --file walkthroughs/sample-story.md --json

import { parseArgs } from 'node:util';
import { openEvalModel } from '../eval/evalModel';
import { scoreSurprise } from '../eval/surprise';
import { readText } from './eval';
import type { CliCommand } from './main';
import { positiveInteger } from './positiveInteger';

const USAGE = `usage: npm run cli -- surprise --model <folder> --file <text file> [options]
  --json         print one JSON object: tokens (id, text, start, end, nats, probability, rank, top), evaluation, calibration
  --window N     tokens per window (default: the model's context length)
  --stride S     tokens between window starts (default: window / 2)
  --top N        alternatives shown per token (default 5)
  --threads N    ONNX Runtime threads (default: every core)`;

export const surpriseCommand: CliCommand = {
  summary: "every token's surprise (−ln p, nats), rank and alternatives; perplexity, bits per byte, calibration",
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        model: { type: 'string' },
        file: { type: 'string' },
        json: { type: 'boolean', default: false },
        window: { type: 'string' },
        stride: { type: 'string' },
        top: { type: 'string' },
        threads: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help || !values.model || !values.file) {
      console.log(USAGE);
      if (!values.help) process.exitCode = 2;
      return;
    }
    const integer = (name: 'window' | 'stride' | 'threads' | 'top') => positiveInteger(name, values[name]);
    const text = readText(values.file);
    const lm = await openEvalModel(values.model, { threads: integer('threads') });
    try {
      const report = await scoreSurprise(lm, text, {
        window: integer('window'),
        stride: integer('stride'),
        topN: integer('top'),
        onProgress: values.json ? undefined : (done, total) => process.stderr.write(`\rscored ${done} / ${total} tokens`),
      });
      if (values.json) {
        console.log(JSON.stringify({ model: lm.folder.name, file: values.file, ...report }));
        return;
      }
      process.stderr.write('\n');
      for (const t of report.tokens) {
        const top = t.top.map((a) => `${JSON.stringify(a.text)} ${a.probability.toFixed(3)}`).join(', ');
        console.log(`${String(t.id).padStart(6)} ${JSON.stringify(t.text).padEnd(16)} ${t.nats.toFixed(3).padStart(7)} nats  p ${t.probability.toFixed(4)}  rank ${t.rank}  top: ${top}`);
      }
      const e = report.evaluation;
      console.log(`windows    ${report.window} tokens, starting every ${report.stride}`);
      console.log(`loss       ${e.loss.toFixed(4)} nats per token over ${e.scoredTokens} tokens`);
      console.log(`perplexity ${e.perplexity.toFixed(3)}`);
      console.log(`bits/byte  ${e.bitsPerByte.toFixed(4)}`);
      console.log(`top-1      ${(report.calibration.accuracy * 100).toFixed(1)}% right, ECE ${report.calibration.ece.toFixed(4)} over ${report.calibration.bins.length} bins`);
    } finally {
      await lm.release();
    }
  },
};
