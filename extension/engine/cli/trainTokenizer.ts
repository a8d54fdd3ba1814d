// `train-tokenizer`: learn a byte-level BPE vocabulary from a text file or folder and write
// tokenizer.json and tokenizer_config.json.
//   npm run cli -- train-tokenizer --input walkthroughs/training-sample/stories.txt --vocab-size 1024 --special "<|endoftext|>" --out models/tiny

import { parseArgs } from 'node:util';
import { trainBpeOnCorpus } from '../tokenizer/trainOnCorpus';
import { writeTrainedTokenizer } from '../tokenizer/trainedTokenizerFiles';
import type { CliCommand } from './main';

const USAGE = `usage: npm run cli -- train-tokenizer --input <file or folder> --vocab-size N --out <folder> [options]
  --input PATH           a text file, or a folder of .txt/.md/.text files
  --vocab-size N         tokens in the finished vocabulary: 256 bytes + learned + special
  --special TOKEN        a special token kept whole, never merged (repeatable), e.g. "<|endoftext|>"
  --out DIR              where tokenizer.json and tokenizer_config.json are written`;

export const trainTokenizerCommand: CliCommand = {
  summary: 'train a byte-level BPE tokenizer on a text file or folder',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        input: { type: 'string' },
        'vocab-size': { type: 'string' },
        special: { type: 'string', multiple: true, default: [] },
        out: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help || !values.input || !values['vocab-size'] || !values.out) {
      console.log(USAGE);
      if (!values.help) process.exitCode = 2;
      return;
    }
    const vocabSize = Number(values['vocab-size']);
    if (!Number.isInteger(vocabSize)) throw new Error(`--vocab-size must be a whole number, got "${values['vocab-size']}"`);

    const training = trainBpeOnCorpus(values.input, {
      vocabSize,
      specialTokens: values.special,
      onProgress: (done, wanted) => process.stderr.write(`\rmerges ${done} / ${wanted}`),
    });
    process.stderr.write('\n');
    const { bpe } = training;
    const written = writeTrainedTokenizer(values.out, bpe);
    const finalSize = bpe.tokens.length + bpe.specialTokens.length;
    console.log(`read ${training.files.length} file(s), ${(training.bytes / 1e6).toFixed(2)} MB: ${bpe.totalPieces} pieces, ${bpe.distinctPieces} distinct`);
    console.log(`learned ${bpe.merges.length} merges; vocabulary ${finalSize} tokens${finalSize < vocabSize ? ` (fewer than ${vocabSize}: the corpus ran out of pairs)` : ''}`);
    console.log(`counting ${training.countSeconds.toFixed(2)} s, merging ${training.mergeSeconds.toFixed(2)} s`);
    console.log(`wrote ${written.tokenizerJson}\nwrote ${written.tokenizerConfig}`);
  },
};
