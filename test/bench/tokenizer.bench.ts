// Built-in tokenizers: the one-time conversion of js-tiktoken's rank files into tokenizer.json, in
// this thread and in a worker thread as the extension runs it (with the longest stall of this
// thread's event loop meanwhile), and encoding speed against js-tiktoken on the same text; then the
// bundled model's tokenizer against js-tiktoken run over its vocabulary (tiktokenFromTokenizerJson).
// Encoding is timed twice: the first text a new tokenizer sees (ours starts with an empty piece
// cache), then texts it has not seen, after a warm-up on another one (as in a session, where the
// tokenizer lives on); ours and js-tiktoken take turns on each text, and the figures are medians.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { getEncoding, type Tiktoken } from 'js-tiktoken';
import { convertBuiltin } from '../../extension/engine/tokenizer/builtinConversion';
import type { BuiltinTokenizerName } from '../../extension/engine/tokenizer/builtins';
import { HfTextTokenizer } from '../../extension/engine/tokenizer/hfTokenizer';
import { loadTokenizerFile } from '../../extension/engine/tokenizer/loadTokenizerFile';
import { TokenizerWorkers } from '../../extension/engine/tokenizer/tokenizerWorkers';
import { tiktokenFromTokenizerJson } from '../unit/tiktokenFromTokenizerJson';
import { tsxWorkerScript } from '../unit/workerShim';
import { longestStall, median, report, type Bench } from './bench';

const CORPUS = path.join(__dirname, '..', '..', 'corpus', 'tinystories', 'valid.txt');
const BUNDLED = path.join(__dirname, '..', '..', 'models', 'tinystories-1m');
const NAMES: readonly BuiltinTokenizerName[] = ['r50k_base', 'cl100k_base', 'o200k_base'];
const TEXT_BYTES = 200_000;
const ROUNDS = 5;
const ROUND_BYTES = 100_000;

export const bench: Bench = {
  name: 'tokenizer',
  description: 'built-in tokenizers: conversion in this thread vs a worker thread; encoding of the built-ins and the bundled tokenizer vs js-tiktoken',
  async run() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenizer-bench-'));
    const threads = new TokenizerWorkers(tsxWorkerScript(dir, 'tokenizerWorker', 'extension/engine/tokenizer/tokenizerWorker.ts'));
    const inWorker = threads.convert;
    const text = fs.readFileSync(CORPUS, 'utf8');
    try {
      for (const name of NAMES) {
        const there = await longestStall(() => inWorker(name));
        report(`${name}: convert in a worker, longest stall here`, there.stallMs, 'ms', 'what the extension host sees');
        compareEncoding(name, new HfTextTokenizer(name, JSON.parse(there.result) as Record<string, unknown>, {}), getEncoding(name), text);
      }
      // Last, so that the garbage of a conversion in this thread (over a second of allocation for
      // o200k_base) is not collected in the middle of an encoding being timed.
      for (const name of NAMES) {
        const here = await longestStall(() => convertBuiltin(name));
        report(`${name}: convert, longest stall in this thread`, here.stallMs, 'ms', 'the whole conversion blocks it');
      }
      const bundled = await loadTokenizerFile(BUNDLED);
      compareEncoding('bundled model', bundled, tiktokenFromTokenizerJson(JSON.parse(fs.readFileSync(path.join(BUNDLED, 'tokenizer.json'), 'utf8'))), text);
    } finally {
      threads.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};

/**
 * Encoding speed of ours (ids with offsets and bytes) against js-tiktoken (ids only) on the same
 * text: the first text each sees, then unseen texts in turns, as a median of the rounds' ratios.
 */
function compareEncoding(name: string, ours: HfTextTokenizer, peer: Tiktoken, text: string): void {
  const mb = (chars: number) => chars / 1e6;
  const time = (fn: () => unknown) => {
    const began = performance.now();
    fn();
    return performance.now() - began;
  };
  // One word each first: ours builds its lookup tables on its first call, as js-tiktoken does when
  // it is constructed, and that one-time cost is not encoding speed.
  ours.encode('a');
  peer.encode('a', 'all');
  const first = text.slice(0, TEXT_BYTES);
  const [oursFirst, peerFirst] = [time(() => ours.encode(first)), time(() => peer.encode(first, 'all'))];
  report(`${name}: first text, ours (offsets and bytes)`, mb(first.length) / (oursFirst / 1000), 'MB/s', `${first.length} characters, empty piece cache`);
  report(`${name}: first text, js-tiktoken (ids only)`, mb(first.length) / (peerFirst / 1000), 'MB/s', `ratio ours/js-tiktoken ${(peerFirst / oursFirst).toFixed(2)}`);
  const oursMs: number[] = [];
  const peerMs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const unseen = text.slice(TEXT_BYTES + round * ROUND_BYTES, TEXT_BYTES + (round + 1) * ROUND_BYTES);
    oursMs.push(time(() => ours.encode(unseen)));
    peerMs.push(time(() => peer.encode(unseen, 'all')));
  }
  const ratio = median(oursMs.map((ms, i) => peerMs[i] / ms));
  report(`${name}: unseen text, ours (offsets and bytes)`, mb(ROUND_BYTES) / (median(oursMs) / 1000), 'MB/s', `median of ${ROUNDS} texts of ${ROUND_BYTES} characters`);
  report(`${name}: unseen text, js-tiktoken (ids only)`, mb(ROUND_BYTES) / (median(peerMs) / 1000), 'MB/s', `ratio ours/js-tiktoken ${ratio.toFixed(2)} (median of the rounds' own); the goal is ≥ 1`);
}
