// Built-in tokenizers: the one-time conversion of js-tiktoken's rank files into tokenizer.json, in
// this thread and in a worker thread as the extension runs it (with the longest stall of this
// thread's event loop meanwhile), and encoding speed against js-tiktoken on the same text.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { getEncoding } from 'js-tiktoken';
import { convertBuiltin } from '../../extension/engine/tokenizer/builtinConversion';
import type { BuiltinTokenizerName } from '../../extension/engine/tokenizer/builtins';
import { HfTextTokenizer } from '../../extension/engine/tokenizer/hfTokenizer';
import { TokenizerWorkers } from '../../extension/engine/tokenizer/tokenizerWorkers';
import { tsxWorkerScript } from '../unit/workerShim';
import { longestStall, median, report, timeRepeats, type Bench } from './bench';

const CORPUS = path.join(__dirname, '..', '..', 'corpus', 'tinystories', 'valid.txt');
const NAMES: readonly BuiltinTokenizerName[] = ['cl100k_base', 'o200k_base'];
const TEXT_BYTES = 200_000;

export const bench: Bench = {
  name: 'tokenizer',
  description: 'built-in tokenizers: conversion in this thread vs a worker thread, encoding vs js-tiktoken',
  async run() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenizer-bench-'));
    const threads = new TokenizerWorkers(tsxWorkerScript(dir, 'tokenizerWorker', 'extension/engine/tokenizer/tokenizerWorker.ts'));
    const inWorker = threads.convert;
    const text = fs.readFileSync(CORPUS, 'utf8').slice(0, TEXT_BYTES);
    try {
      for (const name of NAMES) {
        const here = await longestStall(() => convertBuiltin(name));
        const there = await longestStall(() => inWorker(name));
        report(`${name}: convert, longest stall in this thread`, here.stallMs, 'ms', 'the whole conversion blocks it');
        report(`${name}: convert in a worker, longest stall here`, there.stallMs, 'ms', 'what the extension host sees');

        const ours = new HfTextTokenizer(name, JSON.parse(here.result) as Record<string, unknown>, {});
        const peer = getEncoding(name);
        const oursMs = median(await timeRepeats(async () => ours.encode(text), 5, 1));
        const peerMs = median(await timeRepeats(async () => peer.encode(text, 'all'), 5, 1));
        const mb = text.length / 1e6;
        report(`${name}: encode (ours, with offsets and bytes)`, mb / (oursMs / 1000), 'MB/s', `median of 5 on ${text.length} characters`);
        report(`${name}: encode (js-tiktoken, ids only)`, mb / (peerMs / 1000), 'MB/s', `ratio ours/js-tiktoken ${(peerMs / oursMs).toFixed(2)}`);
      }
    } finally {
      threads.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
