// `quantize`: the quantization lab from the command line. Writes fp32, fp16, int8 and int4 decode
// graphs of a model folder into --out (transformers.js file names), then measures them on a text.
//   npm run cli -- quantize --model models/tinystories-1m --out runs/quantized --json

import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { buildQuantizedVariants } from '../quantize/buildVariants';
import { compareVariants } from '../quantize/compareVariants';
import { INT4_BLOCK_SIZES } from '../quantize/int4';
import { loadTokenizerFile } from '../tokenizer/loadTokenizerFile';
import type { CliCommand } from './main';

const USAGE = `usage: npm run cli -- quantize --model <folder> --out <folder> [options]
  --block-size B   int4 block size: ${INT4_BLOCK_SIZES.join(', ')} (default 32)
  --file F         text to measure perplexity, top-1 agreement and KL on
                   (default: walkthroughs/training-sample/stories.txt)
  --max-tokens N   score at most N tokens of the file (default: all)
  --threads N      ONNX Runtime threads (default: every core)
  --json           print the whole result (table, per-matrix errors, flips) as one JSON object`;

export const DEFAULT_QUANTIZATION_TEXT = 'walkthroughs/training-sample/stories.txt';

export const quantizeCommand: CliCommand = {
  summary: 'fp16, int8 and int4 variants of a model folder, measured against fp32 (size, speed, perplexity, KL)',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        model: { type: 'string' }, out: { type: 'string' }, 'block-size': { type: 'string', default: '32' },
        file: { type: 'string', default: DEFAULT_QUANTIZATION_TEXT }, 'max-tokens': { type: 'string' }, threads: { type: 'string' },
        json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
      },
    });
    if (values.help || !values.model || !values.out) {
      console.log(USAGE);
      if (!values.help) process.exitCode = 2;
      return;
    }
    const positive = (name: string, text: string | undefined): number | undefined => {
      if (text === undefined) return undefined;
      const n = Number(text);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${text}"`);
      return n;
    };
    const blockSize = positive('block-size', values['block-size']) as number;
    if (!fs.existsSync(values.file)) throw new Error(`${values.file}: no such file`);
    const text = fs.readFileSync(values.file, 'utf8');

    const built = buildQuantizedVariants(values.model, values.out, blockSize);
    const tokenizer = await loadTokenizerFile(values.out);
    const comparison = await compareVariants(values.out, tokenizer.encodeIds(text), {
      maxTokens: positive('max-tokens', values['max-tokens']),
      threads: positive('threads', values.threads),
      onProgress: (done, total) => process.stderr.write(`\rscored ${done} / ${total} tokens`),
    });
    process.stderr.write('\n');
    if (values.json) {
      console.log(JSON.stringify({ model: values.model, out: values.out, file: values.file, blockSize, window: comparison.window, scoredTokens: comparison.scoredTokens, measurements: comparison.measurements, matrices: built.matrices }));
      return;
    }
    console.log(`${values.model} → ${values.out}, int4 blocks of ${blockSize}; ${comparison.scoredTokens} tokens of ${values.file} in windows of ${comparison.window}`);
    console.log('variant  file                     size (kB)  load ms  prefill tok/s  decode tok/s  perplexity  top-1 agree  mean KL');
    for (const m of comparison.measurements) {
      console.log(
        `${m.variant.padEnd(8)} ${m.file.padEnd(24)} ${(m.bytes / 1024).toFixed(0).padStart(9)} ${m.loadMs.toFixed(0).padStart(8)} ${m.prefillTokensPerSecond.toFixed(0).padStart(14)} ${m.decodeTokensPerSecond.toFixed(0).padStart(13)} ${m.perplexity.toFixed(3).padStart(11)} ${(100 * m.top1Agreement).toFixed(2).padStart(11)}% ${m.meanKL.toExponential(2).padStart(8)}`,
      );
    }
  },
};
