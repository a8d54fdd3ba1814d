// `quantize`: the quantization lab from the command line. Writes fp32, fp16, int8 and int4 decode
// graphs of a model folder into --out (transformers.js file names), then measures them on a text.
//   npm run cli -- quantize --model models/tinystories-1m --out runs/quantized --json

import { parseArgs } from 'node:util';
import { VARIANTS, type Variant } from '../quantize/buildVariants';
import { INT4_BLOCK_SIZES } from '../quantize/int4';
import { runQuantizationLab } from '../quantize/runLab';
import type { CliCommand } from './main';
import { positiveInteger } from './positiveInteger';

const USAGE = `usage: npm run cli -- quantize --model <folder> --out <folder> [options]
  --block-size B   int4 block size: ${INT4_BLOCK_SIZES.join(', ')} (default 32)
  --file F         text to measure perplexity, top-1 agreement and KL on
                   (default: walkthroughs/training-sample/stories.txt)
  --max-tokens N   score at most N tokens of the file (default: all)
  --variants LIST  the variants to measure, comma-separated, from ${VARIANTS.join(', ')} (default: all);
                   fp32 is the reference and is always measured
  --json           print the whole result (table, per-matrix errors, flips) as one JSON object`;

export const DEFAULT_QUANTIZATION_TEXT = 'walkthroughs/training-sample/stories.txt';

export const quantizeCommand: CliCommand = {
  summary: 'fp16, int8 and int4 variants of a model folder, measured against fp32 (size, speed, perplexity, KL)',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        model: { type: 'string' }, out: { type: 'string' }, 'block-size': { type: 'string', default: '32' },
        file: { type: 'string', default: DEFAULT_QUANTIZATION_TEXT }, 'max-tokens': { type: 'string' }, variants: { type: 'string' },
        json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
      },
    });
    if (values.help || !values.model || !values.out) {
      console.log(USAGE);
      if (!values.help) process.exitCode = 2;
      return;
    }
    const blockSize = positiveInteger('block-size', values['block-size']) as number;
    const variants = values.variants?.split(',').map((name) => name.trim());
    const unknown = variants?.find((name) => !(VARIANTS as readonly string[]).includes(name));
    if (unknown !== undefined) throw new Error(`--variants: "${unknown}" is not a variant; choose from ${VARIANTS.join(', ')}`);
    const result = await runQuantizationLab(
      { type: 'start', model: values.model, out: values.out, file: values.file, blockSize, maxTokens: positiveInteger('max-tokens', values['max-tokens']), variants: variants as Variant[] | undefined },
      (stage, done, total) => process.stderr.write(stage === 'build' ? (done ? 'variants written\n' : 'writing variants…\n') : `\rscored ${done} / ${total} tokens`),
    );
    process.stderr.write('\n');
    if (values.json) {
      console.log(JSON.stringify(result));
      return;
    }
    const comparison = result;
    console.log(`${values.model} → ${values.out}, int4 blocks of ${blockSize}; ${comparison.scoredTokens} tokens of ${values.file} in windows of ${comparison.window}`);
    console.log('variant  file                     size (kB)  load ms  prefill tok/s  decode tok/s  perplexity  top-1 agree  mean KL');
    for (const m of comparison.measurements) {
      console.log(
        `${m.variant.padEnd(8)} ${m.file.padEnd(24)} ${(m.bytes / 1024).toFixed(0).padStart(9)} ${m.loadMs.toFixed(0).padStart(8)} ${m.prefillTokensPerSecond.toFixed(0).padStart(14)} ${m.decodeTokensPerSecond.toFixed(0).padStart(13)} ${m.perplexity.toFixed(3).padStart(11)} ${(100 * m.top1Agreement).toFixed(2).padStart(11)}% ${m.meanKL.toExponential(2).padStart(8)}`,
      );
    }
  },
};
