// The training data as one long stream of token IDs, cut into a training part and a validation
// part, and the batches drawn from it. A batch is B windows of T + 1 consecutive tokens: the
// first T are the model's input and the last T (shifted by one) its targets.
//
// Batches are a pure function of (seed, step): every epoch visits every window of the training
// stream once, in an order shuffled by a generator seeded from (seed, epoch), with the window grid
// shifted by a seeded offset so that the model does not always see the same cut points. Resuming at
// step s therefore draws exactly the batches an uninterrupted run would have drawn.

import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { toPosix } from '../files/insideFolder';
import type { TextTokenizer } from '../tokenizer/types';
import { mixSeed, Mulberry32, shuffledIndices } from '../generate/random';

/** Text files read from a data folder, in sorted path order. */
const TEXT_EXTENSIONS = new Set(['.txt', '.md', '.text']);

/** Text is encoded in pieces of about this many characters, cut at line ends, to bound memory. */
const ENCODE_CHUNK_CHARS = 1 << 16;

export class DataError extends Error {
  constructor(readonly file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'DataError';
  }
}

/**
 * Every text file under `dataPath` (a file or a folder), sorted, so the stream is reproducible. A
 * folder is walked as the RAG walker does: hidden entries and what a .gitignore at any level names
 * are left out, and so are links, FIFOs and devices (a FIFO named notes.txt would block the read).
 */
export function listTextFiles(dataPath: string): string[] {
  if (!fs.existsSync(dataPath)) throw new DataError(dataPath, 'no such file or folder');
  const stat = fs.statSync(dataPath);
  if (stat.isFile()) return [dataPath];
  if (!stat.isDirectory()) throw new DataError(dataPath, 'is neither a file nor a folder');
  const files: string[] = [];
  const walk = (dir: string, scopes: readonly { base: string; rules: Ignore }[]): void => {
    const gitignore = path.join(dir, '.gitignore');
    const here = fs.existsSync(gitignore) && fs.lstatSync(gitignore).isFile() ? [...scopes, { base: dir, rules: ignore().add(fs.readFileSync(gitignore, 'utf8')) }] : scopes;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      const isDir = entry.isDirectory();
      if (here.some((s) => s.rules.ignores(toPosix(path.relative(s.base, full)) + (isDir ? '/' : '')))) continue;
      if (isDir) walk(full, here);
      else if (entry.isFile() && TEXT_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) files.push(full);
    }
  };
  walk(dataPath, []);
  if (files.length === 0) throw new DataError(dataPath, `no text files (${[...TEXT_EXTENSIONS].join(', ')}) in this folder`);
  return files;
}

function readText(file: string): string {
  const bytes = fs.readFileSync(file);
  if (bytes.subarray(0, 8192).includes(0)) throw new DataError(file, 'looks like a binary file (it contains NUL bytes), not text');
  return bytes.toString('utf8');
}

/** A tokenizer that may also offer an IDs-only encoder (HfTextTokenizer.encodeIds), much faster for long text. */
export type StreamTokenizer = TextTokenizer & { encodeIds?(text: string): number[] };

function idsOf(tokenizer: StreamTokenizer, text: string): ArrayLike<number> {
  return tokenizer.encodeIds ? tokenizer.encodeIds(text) : tokenizer.encode(text).map((span) => span.id);
}

/** Encodes `text` piece by piece (cut after a newline) so huge files never become one token-span array. */
export function encodeToIds(text: string, tokenizer: StreamTokenizer): Uint32Array {
  let ids = new Uint32Array(Math.max(1024, text.length >> 1));
  let length = 0;
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + ENCODE_CHUNK_CHARS);
    if (end < text.length) {
      const newline = text.lastIndexOf('\n', end);
      if (newline > start) end = newline + 1;
    }
    const piece = idsOf(tokenizer, text.slice(start, end));
    if (length + piece.length > ids.length) {
      const grown = new Uint32Array(Math.max(ids.length * 2, length + piece.length));
      grown.set(ids);
      ids = grown;
    }
    ids.set(piece, length);
    length += piece.length;
    start = end;
  }
  return ids.slice(0, length);
}

/** The token stream of a file or folder; files are joined with a blank line between them. */
export function loadTokenStream(dataPath: string, tokenizer: StreamTokenizer): Uint32Array {
  const parts = listTextFiles(dataPath).map((file) => encodeToIds(readText(file) + '\n\n', tokenizer));
  const total = parts.reduce((n, p) => n + p.length, 0);
  const stream = new Uint32Array(total);
  let offset = 0;
  for (const part of parts) {
    stream.set(part, offset);
    offset += part.length;
  }
  for (let i = 0; i < stream.length; i++) {
    if (stream[i] >= tokenizer.vocabSize) throw new DataError(dataPath, `token ID ${stream[i]} is outside the tokenizer's vocabulary of ${tokenizer.vocabSize}`);
  }
  return stream;
}

export interface TokenSplit {
  readonly train: Uint32Array;
  readonly validation: Uint32Array;
}

/**
 * Holds out the last `fraction` of the stream for validation (the end, not a random sample, so no
 * training window overlaps a validation window). Each part keeps at least one window of T + 1.
 */
export function splitTrainValidation(stream: Uint32Array, fraction: number, contextLength: number, source = 'data'): TokenSplit {
  const window = contextLength + 1;
  if (stream.length < window) {
    throw new DataError(source, `only ${stream.length} tokens, fewer than one window of ${window} (context + 1); use more text or a shorter context`);
  }
  let validationLength = Math.floor(stream.length * fraction);
  if (validationLength > 0 && validationLength < window) validationLength = 0;
  if (stream.length - validationLength < window) validationLength = 0;
  const cut = stream.length - validationLength;
  return { train: stream.subarray(0, cut), validation: stream.subarray(cut) };
}

/** Token windows as the training graph takes them: inputs [B, T] and targets [B, T], int64. */
export interface Batch {
  readonly inputs: BigInt64Array;
  readonly targets: BigInt64Array;
  readonly batchSize: number;
  readonly contextLength: number;
}

function batchFromStarts(stream: Uint32Array, starts: readonly number[], contextLength: number): Batch {
  const T = contextLength;
  const inputs = new BigInt64Array(starts.length * T);
  const targets = new BigInt64Array(starts.length * T);
  starts.forEach((start, b) => {
    for (let t = 0; t < T; t++) {
      inputs[b * T + t] = BigInt(stream[start + t]);
      targets[b * T + t] = BigInt(stream[start + t + 1]);
    }
  });
  return { inputs, targets, batchSize: starts.length, contextLength: T };
}

/** Deterministic shuffled batches over the training stream, addressed by step number. */
export class BatchSampler {
  private readonly windowsPerEpoch: number;
  private cachedEpoch = -1;
  private cachedOrder: Uint32Array = new Uint32Array(0);
  private cachedShift = 0;

  constructor(
    private readonly stream: Uint32Array,
    readonly batchSize: number,
    readonly contextLength: number,
    private readonly seed: number,
  ) {
    this.windowsPerEpoch = Math.floor((stream.length - 1) / contextLength);
    if (this.windowsPerEpoch < 1) throw new DataError('data', `the training part has ${stream.length} tokens, fewer than one window of ${contextLength + 1}`);
  }

  /** Steps that make one pass over the training stream. */
  get stepsPerEpoch(): number {
    return Math.ceil(this.windowsPerEpoch / this.batchSize);
  }

  /** The batch for `step`: sequences step·B … step·B + B − 1 of the endless shuffled sequence. */
  batchAt(step: number): Batch {
    return batchFromStarts(this.stream, this.startsAt(step), this.contextLength);
  }

  /** Where each window of `step`'s batch starts in the training stream. */
  startsAt(step: number): number[] {
    const starts: number[] = [];
    for (let i = 0; i < this.batchSize; i++) starts.push(this.windowStart(step * this.batchSize + i));
    return starts;
  }

  private windowStart(sequence: number): number {
    const epoch = Math.floor(sequence / this.windowsPerEpoch);
    if (epoch !== this.cachedEpoch) {
      const random = new Mulberry32(mixSeed(this.seed, epoch));
      const slack = this.stream.length - 1 - this.windowsPerEpoch * this.contextLength;
      this.cachedShift = random.nextInt(slack + 1);
      this.cachedOrder = shuffledIndices(this.windowsPerEpoch, random);
      this.cachedEpoch = epoch;
    }
    return this.cachedShift + this.cachedOrder[sequence % this.windowsPerEpoch] * this.contextLength;
  }
}

/** The validation stream as consecutive non-overlapping windows, at most `maxBatches` batches. */
export function validationBatches(stream: Uint32Array, batchSize: number, contextLength: number, maxBatches: number): Batch[] {
  const windows = Math.floor((stream.length - 1) / contextLength);
  const batches: Batch[] = [];
  for (let first = 0; first + batchSize <= windows && batches.length < maxBatches; first += batchSize) {
    batches.push(batchFromStarts(stream, Array.from({ length: batchSize }, (_, i) => (first + i) * contextLength), contextLength));
  }
  if (batches.length === 0 && windows > 0) {
    batches.push(batchFromStarts(stream, Array.from({ length: windows }, (_, i) => i * contextLength), contextLength));
  }
  return batches;
}
