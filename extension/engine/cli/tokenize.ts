// `tokenize`: the tokens of a text with a built-in tokenizer or a tokenizer.json, one per line
// with id, UTF-16 range, bytes and text; or, with --steps, the BPE merges of each piece.
//   npm run cli -- tokenize --tokenizer cl100k_base --text "Hello, world!"
//   npm run cli -- tokenize --tokenizer models/tiny --file story.txt --json

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { traceBpePieces } from '../tokenizer/bpeSteps';
import { BUILTIN_NAMES, openTokenizer } from '../tokenizer/openTokenizer';
import type { CliCommand } from './main';

const USAGE = `usage: npm run cli -- tokenize --tokenizer <name or path> (--text "..." | --file <path>) [options]
  --tokenizer T          ${BUILTIN_NAMES.join(', ')}, or a tokenizer.json or a folder holding one
  --text TEXT            the text to tokenize
  --file PATH            tokenize a file's text instead
  --special              also add the tokens the tokenizer puts around a text (BOS, [CLS], ...)
  --steps                show the BPE merges of each piece instead of the tokens
  --json                 print the tokens as JSON
  --cache-dir DIR        where converted built-in tokenizers are kept (default: the system temp folder)`;

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');

export const tokenizeCommand: CliCommand = {
  summary: 'print the tokens of a text with a built-in tokenizer or a tokenizer.json',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        tokenizer: { type: 'string' },
        text: { type: 'string' },
        file: { type: 'string' },
        special: { type: 'boolean', default: false },
        steps: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        'cache-dir': { type: 'string', default: path.join(os.tmpdir(), 'llm-pipeline-lab', 'tokenizers') },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help || !values.tokenizer || (values.text === undefined) === (values.file === undefined)) {
      console.log(USAGE);
      if (!values.help) process.exitCode = 2;
      return;
    }
    if (values.file !== undefined && !fs.existsSync(values.file)) throw new Error(`${values.file}: no such file`);
    const text = values.text ?? fs.readFileSync(values.file as string, 'utf8');
    const tokenizer = await openTokenizer(values.tokenizer, { cacheDir: values['cache-dir'] });

    if (values.steps) {
      for (const trace of traceBpePieces(tokenizer, text)) {
        console.log(`${JSON.stringify(trace.piece)}: ${trace.initial.map((p) => p.token).join(' ')}`);
        for (const step of trace.steps) console.log(`  rank ${String(step.rank).padStart(6)}  ${step.left.token} + ${step.right.token}  ->  ${step.parts.map((p) => p.token).join(' ')}`);
        if (trace.wholePieceInVocabulary) console.log(`  the whole piece is in the vocabulary: ${trace.modelInput}`);
        console.log(`  ids ${trace.ids.join(' ')}`);
      }
      return;
    }

    const spans = tokenizer.encode(text, { addSpecialTokens: values.special });
    if (values.json) {
      console.log(JSON.stringify(spans.map((s) => ({ ...s, bytes: hex(s.bytes) })), null, 2));
      return;
    }
    const width = String(tokenizer.vocabSize).length;
    spans.forEach((s, i) => {
      const range = `[${s.start}, ${s.end})`.padEnd(16);
      console.log(`${String(i).padStart(5)}  ${String(s.id).padStart(width)}  ${range} ${hex(s.bytes).padEnd(24)} ${JSON.stringify(s.text)}${s.special ? '  special' : ''}`);
    });
    console.log(`${tokenizer.name}: ${spans.length} tokens, ${text.length} UTF-16 characters, ${Buffer.byteLength(text)} bytes`);
  },
};
