// Training a tokenizer on a file or a folder of text files: count the pieces of every file, then
// learn the merges. The same files, in the same (sorted) order, as the model trainer reads.

import * as fs from 'node:fs';
import { DataError, listTextFiles } from '../train/dataset';
import { PieceCounter, trainBpe, type BpeTrainingOptions, type TrainedBpe } from './bpeTrainer';

export interface CorpusTraining {
  readonly bpe: TrainedBpe;
  readonly files: readonly string[];
  readonly bytes: number;
  /** Seconds spent reading and counting pieces, and learning merges. */
  readonly countSeconds: number;
  readonly mergeSeconds: number;
}

function readTextFile(file: string): string {
  const bytes = fs.readFileSync(file);
  if (bytes.subarray(0, 8192).includes(0)) throw new DataError(file, 'looks like a binary file (it contains NUL bytes), not text');
  return bytes.toString('utf8');
}

/** Trains on every text file under `input` (a file or a folder). */
export function trainBpeOnCorpus(input: string, options: BpeTrainingOptions): CorpusTraining {
  const files = listTextFiles(input);
  const started = performance.now();
  const counter = new PieceCounter(options.specialTokens ?? []);
  let bytes = 0;
  for (const file of files) {
    const text = readTextFile(file);
    bytes += Buffer.byteLength(text);
    counter.add(text);
  }
  const counted = performance.now();
  const bpe = trainBpe(counter, options);
  return { bpe, files, bytes, countSeconds: (counted - started) / 1000, mergeSeconds: (performance.now() - counted) / 1000 };
}
