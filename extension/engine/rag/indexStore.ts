// The index on disk, one folder per indexed root: index.json (identity, files, chunks) and
// vectors.bin (the chunks' vectors as little-endian float32, in index.json's chunk order). Both are
// written atomically, vectors first, and index.json holds the SHA-256 of the vectors.bin it was
// written with: a crash between the two writes, or two writers (the extension and its index
// worker) interleaving theirs, is seen on load as a mismatch and the index is rebuilt, never
// misread. A count alone would accept another index's vectors of the same length.
// The BM25 postings are not stored: they are rebuilt from the chunk texts on load, in slices that
// give the event loop a turn (a 10,000-chunk index takes about a third of a second in all).

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../modelFolder/atomicWrite';
import { RagIndex, type IndexedChunk, type IndexedFile, type IndexIdentity } from './ragIndex';

const FORMAT = 2;
/** Loading yields to the event loop after this much work, so the editor stays responsive. */
const SLICE_MS = 15;

interface StoredIndex {
  readonly format: number;
  /** SHA-256 (hex) of vectors.bin as written together with this file. */
  readonly vectorsSha256: string;
  readonly identity: IndexIdentity;
  readonly files: Record<string, Omit<IndexedFile, 'chunkIds'>>;
  readonly chunks: IndexedChunk[];
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
  const bytes = new Uint8Array(vectors.buffer);
  const stored: StoredIndex = { format: FORMAT, vectorsSha256: sha256(bytes), identity: index.identity, files, chunks };
  writeFileAtomic(path.join(dir, 'vectors.bin'), bytes);
  writeJsonAtomic(path.join(dir, 'index.json'), stored);
}

/** The stored index, or undefined when there is none; a damaged one rejects naming the file and the problem. */
export async function loadIndex(dir: string): Promise<RagIndex | undefined> {
  const jsonFile = path.join(dir, 'index.json');
  const vectorFile = path.join(dir, 'vectors.bin');
  if (!fs.existsSync(jsonFile)) return undefined;
  let stored: StoredIndex;
  try {
    stored = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as StoredIndex;
  } catch (error) {
    throw new Error(`${jsonFile}: cannot be read as an index (${(error as Error).message})`);
  }
  if (stored.format !== FORMAT) throw new Error(`${jsonFile}: index format ${stored.format}, this version reads ${FORMAT}`);
  const { dimensions } = stored.identity;
  const bytes = fs.existsSync(vectorFile) ? fs.readFileSync(vectorFile) : Buffer.alloc(0);
  if (bytes.length !== stored.chunks.length * dimensions * 4) {
    throw new Error(`${vectorFile}: holds ${bytes.length / 4 / dimensions} vectors, index.json has ${stored.chunks.length} chunks`);
  }
  if (sha256(bytes) !== stored.vectorsSha256) {
    throw new Error(`${vectorFile}: is not the file index.json was written with (its SHA-256 differs); another writer or a crash mixed two indexes`);
  }
  // Copied into a fresh, aligned buffer: a Buffer from readFileSync may sit at any byte offset.
  const vectors = new Float32Array(new Uint8Array(bytes).buffer);
  const index = new RagIndex(stored.identity);
  const byFile = new Map<string, { chunks: IndexedChunk[]; vectors: Float32Array[] }>();
  stored.chunks.forEach((chunk, i) => {
    let entry = byFile.get(chunk.file);
    if (!entry) byFile.set(chunk.file, (entry = { chunks: [], vectors: [] }));
    entry.chunks.push(chunk);
    entry.vectors.push(vectors.slice(i * dimensions, (i + 1) * dimensions));
  });
  let sliceStart = performance.now();
  for (const [file, stat] of Object.entries(stored.files)) {
    const entry = byFile.get(file) ?? { chunks: [], vectors: [] };
    index.setFile(file, stat, entry.chunks, entry.vectors);
    if (performance.now() - sliceStart > SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
  return index;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function deleteIndex(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
