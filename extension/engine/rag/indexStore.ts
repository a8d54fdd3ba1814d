// The index on disk, one folder per indexed root: index.json (identity, files, counts), chunks.jsonl
// (one chunk per line, as JSON) and vectors.bin (the chunks' vectors as little-endian float32, in
// chunks.jsonl's order). All three are written atomically, index.json last, and index.json holds
// the SHA-256 of the other two as written with it: a crash between the writes, or two writers (the
// extension and its index worker) interleaving theirs, is seen on load as a mismatch and the
// index is rebuilt, never misread. A count alone would accept another index's file of the same length.
// Loading runs on the extension host's thread, so it is cut into slices that give the event loop a
// turn every SLICE_MS: the files are read asynchronously, hashed a megabyte at a time, and the
// chunks parsed line by line (one JSON.parse of a 10,000-chunk index.json stalled the host for
// about 100 ms). The BM25 postings are not stored: they are rebuilt from the chunk texts on load.

import { createHash, type Hash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../modelFolder/atomicWrite';
import { RagIndex, type IndexedChunk, type IndexedFile, type IndexIdentity } from './ragIndex';

const FORMAT = 3;
/** Loading yields to the event loop after this much work, so the editor stays responsive. */
const SLICE_MS = 8;
/** Bytes hashed between two looks at the clock. */
const HASH_STEP = 1 << 20;
const NEWLINE = 0x0a;

interface StoredIndex {
  readonly format: number;
  /** SHA-256 (hex) of chunks.jsonl and vectors.bin as written together with this file. */
  readonly chunksSha256: string;
  readonly vectorsSha256: string;
  readonly chunkCount: number;
  readonly identity: IndexIdentity;
  readonly files: Record<string, Omit<IndexedFile, 'chunkIds'>>;
}

/** A stored index another version of this program wrote: not damaged, only in another layout; it is rebuilt. */
export class OtherIndexFormatError extends Error {
  constructor(
    file: string,
    readonly format: unknown,
  ) {
    super(`${file}: index format ${format}, this version reads ${FORMAT}`);
    this.name = 'OtherIndexFormatError';
  }
}

/** Where the index of `root` lives under `storageDir`: a hash of the absolute path names it. */
export function indexFolderFor(storageDir: string, root: string): string {
  const hash = createHash('sha256').update(path.resolve(root)).digest('hex').slice(0, 16);
  return path.join(storageDir, 'rag', hash);
}

export function saveIndex(dir: string, index: RagIndex): void {
  const chunks = [...index.chunks.values()];
  const vectors = new Float32Array(chunks.length * index.identity.dimensions);
  chunks.forEach((chunk, i) => vectors.set(index.vectorOf(chunk.id) ?? [], i * index.identity.dimensions));
  const files = Object.fromEntries([...index.files].map(([file, f]) => [file, { mtimeMs: f.mtimeMs, size: f.size }]));
  // JSON.stringify escapes every newline inside a string, so each chunk is exactly one line.
  const lines = Buffer.from(chunks.map((c) => `${JSON.stringify(c)}\n`).join(''), 'utf8');
  const bytes = new Uint8Array(vectors.buffer);
  const stored: StoredIndex = {
    format: FORMAT,
    chunksSha256: createHash('sha256').update(lines).digest('hex'),
    vectorsSha256: createHash('sha256').update(bytes).digest('hex'),
    chunkCount: chunks.length,
    identity: index.identity,
    files,
  };
  writeFileAtomic(path.join(dir, 'chunks.jsonl'), lines);
  writeFileAtomic(path.join(dir, 'vectors.bin'), bytes);
  writeJsonAtomic(path.join(dir, 'index.json'), stored);
}

/** Gives the event loop a turn once `SLICE_MS` have passed since the last one. */
function slicer(): () => Promise<void> {
  let sliceStart = performance.now();
  return async () => {
    if (performance.now() - sliceStart < SLICE_MS) return;
    await new Promise((resolve) => setImmediate(resolve));
    sliceStart = performance.now();
  };
}

async function sha256Sliced(bytes: Uint8Array, turn: () => Promise<void>): Promise<string> {
  const hash: Hash = createHash('sha256');
  for (let i = 0; i < bytes.length; i += HASH_STEP) {
    hash.update(bytes.subarray(i, i + HASH_STEP));
    await turn();
  }
  return hash.digest('hex');
}

async function readIfThere(file: string): Promise<Buffer> {
  return fs.existsSync(file) ? fs.promises.readFile(file) : Buffer.alloc(0);
}

/** The chunks of chunks.jsonl, parsed one line at a time. */
async function parseChunks(file: string, bytes: Buffer, turn: () => Promise<void>): Promise<IndexedChunk[]> {
  const chunks: IndexedChunk[] = [];
  for (let start = 0; start < bytes.length; ) {
    const end = bytes.indexOf(NEWLINE, start);
    const stop = end < 0 ? bytes.length : end;
    try {
      chunks.push(JSON.parse(bytes.toString('utf8', start, stop)) as IndexedChunk);
    } catch (error) {
      throw new Error(`${file}: line ${chunks.length + 1} cannot be read as a chunk (${(error as Error).message})`);
    }
    start = stop + 1;
    await turn();
  }
  return chunks;
}

/**
 * The stored index, or undefined when there is none; a damaged one rejects naming the file and the
 * problem, one of another version's format with OtherIndexFormatError.
 */
export async function loadIndex(dir: string): Promise<RagIndex | undefined> {
  const jsonFile = path.join(dir, 'index.json');
  const chunkFile = path.join(dir, 'chunks.jsonl');
  const vectorFile = path.join(dir, 'vectors.bin');
  if (!fs.existsSync(jsonFile)) return undefined;
  let stored: StoredIndex;
  try {
    stored = JSON.parse(await fs.promises.readFile(jsonFile, 'utf8')) as StoredIndex;
  } catch (error) {
    throw new Error(`${jsonFile}: cannot be read as an index (${(error as Error).message})`);
  }
  if (stored.format !== FORMAT) throw new OtherIndexFormatError(jsonFile, stored.format);
  const { dimensions } = stored.identity;
  const [lines, bytes] = await Promise.all([readIfThere(chunkFile), readIfThere(vectorFile)]);
  if (bytes.length !== stored.chunkCount * dimensions * 4) {
    throw new Error(`${vectorFile}: holds ${bytes.length / 4 / dimensions} vectors, index.json has ${stored.chunkCount} chunks`);
  }
  const turn = slicer();
  for (const [file, data, expected] of [
    [chunkFile, lines, stored.chunksSha256],
    [vectorFile, bytes, stored.vectorsSha256],
  ] as const) {
    if ((await sha256Sliced(data, turn)) !== expected) {
      throw new Error(`${file}: is not the file index.json was written with (its SHA-256 differs); another writer or a crash mixed two indexes`);
    }
  }
  const chunks = await parseChunks(chunkFile, lines, turn);
  // A Float32Array must start at a multiple of 4 bytes: a Buffer from readFile that does not is copied.
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : new Uint8Array(bytes);
  const vectors = new Float32Array(aligned.buffer, aligned.byteOffset, aligned.length / 4);
  const index = new RagIndex(stored.identity);
  const byFile = new Map<string, { chunks: IndexedChunk[]; vectors: Float32Array[] }>();
  chunks.forEach((chunk, i) => {
    let entry = byFile.get(chunk.file);
    if (!entry) byFile.set(chunk.file, (entry = { chunks: [], vectors: [] }));
    entry.chunks.push(chunk);
    entry.vectors.push(vectors.subarray(i * dimensions, (i + 1) * dimensions));
  });
  for (const [file, stat] of Object.entries(stored.files)) {
    const entry = byFile.get(file) ?? { chunks: [], vectors: [] };
    index.setFile(file, stat, entry.chunks, entry.vectors);
    await turn();
  }
  return index;
}

export function deleteIndex(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
