// `eval`: how well a model folder predicts a text file.
//   loss        mean cross-entropy, nats per token: (1/N) Σ −ln p(x_t | x_<t)
//   perplexity  e^loss: the number of equally likely tokens the model is as unsure as
//   bits/byte   Σ −ln p / ln 2 / UTF-8 bytes: comparable across tokenizers, unlike the two above
// Long texts are scored in windows of the context length that start every `stride` tokens.
//   npm run cli -- eval --model models/tiny --file walkthroughs/training-sample/stories.txt

import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { openModelFolder } from '../runtime/openModelFolder';
import { scoreTokens, scoringWindows } from '../runtime/scoreTokens';
import { summarize } from '../eval/textMetrics';
import { loadTokenizerFile } from '../tokenizer/loadTokenizerFile';
import type { CliCommand } from './main';
import { positiveInteger } from './positiveInteger';

const USAGE = `usage: npm run cli -- eval --model <folder> --file <text file> [options]
  --window N     tokens per window (default: the model's context length)
  --stride S     tokens between window starts (default: window / 2; = window for disjoint windows)
  --no-bos       do not put the start token before the text (its first token is then not scored)
  --threads N    ONNX Runtime threads (default: every core)
  --json         one JSON object: tokens, scoredTokens, scoredBytes, totalNats, loss, perplexity, bitsPerByte, window, stride`;

export const evalCommand: CliCommand = {
  summary: 'loss, perplexity and bits per byte of a text file under a model folder',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        model: { type: 'string' },
        file: { type: 'string' },
        window: { type: 'string' },
        stride: { type: 'string' },
        'no-bos': { type: 'boolean', default: false },
        threads: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help || !values.model || !values.file) {
      console.log(USAGE);
      if (!values.help) process.exitCode = 2;
      return;
    }
    const integer = (name: 'window' | 'stride' | 'threads') => positiveInteger(name, values[name]);
    const window = integer('window');
    const stride = integer('stride');
    const threads = integer('threads');
    const text = readText(values.file);

    const { folder, model } = await openModelFolder(values.model, { threads });
    try {
      const windows = scoringWindows(model.contextLength, { window, stride });
      const tokenizer = await loadTokenizerFile(folder.dir);
      const ids = tokenizer.encodeIds(text);
      const start = values['no-bos'] ? undefined : (folder.generation.bosTokenId ?? folder.config.bosTokenId ?? folder.config.eosTokenIds[0]);
      const tokens = start === undefined ? ids : [start, ...ids];
      if (tokens.length < 2) throw new Error(`${values.file}: too short to score: it needs at least ${start === undefined ? 2 : 1} token(s)`);
      // Every token after the first is scored; without a start token the text's first token is not.
      const textBytes = Buffer.byteLength(text, 'utf8');
      const scoredBytes = start === undefined ? textBytes - tokenizer.tokenBytes(ids[0]).length : textBytes;

      const say = values.json ? () => {} : console.log;
      say(`model      ${folder.name} (${model.shownAs}), context ${model.contextLength}${model.hasKVCache ? '' : ', no KV cache'}`);
      say(`text       ${values.file}: ${textBytes.toLocaleString('en-US')} bytes, ${ids.length.toLocaleString('en-US')} tokens${start === undefined ? '' : `, after start token ${start}`}`);
      say(`windows    ${windows.window} tokens, starting every ${windows.stride}`);
      const began = performance.now();
      const scores = await scoreTokens(model, tokens, {
        ...windows,
        onProgress: values.json ? undefined : (done, total) => process.stderr.write(`\rscored ${done} / ${total} tokens`),
      });
      const result = summarize(tokens.length, scores.totalNats, scoredBytes);
      if (values.json) {
        console.log(JSON.stringify({ ...result, ...windows }));
        return;
      }
      process.stderr.write('\n');
      console.log(`loss       ${result.loss.toFixed(4)} nats per token (mean cross-entropy over ${result.scoredTokens.toLocaleString('en-US')} tokens)`);
      console.log(`perplexity ${result.perplexity.toFixed(3)}`);
      console.log(`bits/byte  ${result.bitsPerByte.toFixed(4)}`);
      console.error(`${((performance.now() - began) / 1000).toFixed(1)} s`);
    } finally {
      await model.release();
    }
  },
};

export function readText(file: string): string {
  if (!fs.existsSync(file)) throw new Error(`${file}: no such file`);
  const bytes = fs.readFileSync(file);
  if (bytes.includes(0)) throw new Error(`${file}: is a binary file, not text`);
  return bytes.toString('utf8');
}
