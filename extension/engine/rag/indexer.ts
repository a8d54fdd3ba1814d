// Builds and updates a RAG index: walk the folder, read each file (skipping binary, oversized and
// unreadable ones, with counts), chunk it, embed each chunk, store. Files whose size and
// modification time match the previous index keep their chunks and vectors, so re-attaching a
// folder after a reload only redoes what changed; updateFile redoes exactly one file.

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { TextTokenizer } from '../tokenizer/types';
import { chunkText, type ChunkSettings, type TextChunk } from './chunker';
import type { Embedder } from './embedder';
import { RagIndex, type IndexedChunk } from './ragIndex';
import { fileKind } from './sections';
import { kindOf, readBoundedFile, UnreadableFileError } from '../files/readBounded';
import { relativeInside } from '../files/insideFolder';
import { reasonOf, walkFolder, type WalkSettings } from './walkFolder';

export interface IndexSettings {
  readonly walk: WalkSettings;
  readonly chunk: ChunkSettings;
  /** Larger files are skipped. */
  readonly maxFileBytes: number;
}

export interface IndexerParts {
  readonly tokenizer: TextTokenizer;
  readonly embedder: Embedder;
  readonly settings: IndexSettings;
}

export interface SkippedFile {
  readonly file: string;
  readonly reason: 'binary' | 'too-large' | 'unreadable';
  readonly detail: string;
}

export interface IndexReport {
  readonly files: number;
  readonly chunks: number;
  /** Files taken from the previous index unchanged. */
  readonly reused: number;
  readonly skipped: readonly SkippedFile[];
  readonly ignored: number;
  readonly notIncluded: number;
  readonly unreadableFolders: readonly { readonly path: string; readonly reason: string }[];
  readonly ms: number;
}

export interface IndexProgress {
  readonly done: number;
  readonly total: number;
  readonly file: string;
}

export interface BuildOptions {
  readonly previous?: RagIndex;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: IndexProgress) => void;
}

/** How many bytes are checked for a NUL, the sign of a binary file git also uses. */
const BINARY_SNIFF_BYTES = 8000;

export class FolderGoneError extends Error {
  constructor(readonly root: string) {
    super(`${root}: the folder no longer exists (it was deleted or moved while indexing)`);
    this.name = 'FolderGoneError';
  }
}

type FileText = { text: string; mtimeMs: number; size: number } | SkippedFile;

/** Whether `full`, with every link on its way resolved, still lies inside `root` (a linked folder can lead out). */
async function staysInside(root: string, full: string): Promise<boolean> {
  const [realRoot, realFile] = await Promise.all([fs.realpath(root), fs.realpath(full)]);
  return relativeInside(realRoot, realFile) !== undefined;
}

/**
 * Reads a file as UTF-8 text, or says why it is skipped. Only a regular file inside `root` is read:
 * a symbolic link (to ../secret.txt, say), a FIFO or a device is skipped, as is a file reached
 * through a linked folder; the read cannot block (readBounded.ts).
 */
export async function readIndexableFile(root: string, file: string, maxFileBytes: number): Promise<FileText> {
  const full = path.join(root, file);
  if (relativeInside(root, full) !== file) return { file, reason: 'unreadable', detail: 'is not inside the folder' };
  try {
    const stat = await fs.lstat(full);
    if (stat.isSymbolicLink()) return { file, reason: 'unreadable', detail: 'is a symbolic link; links are not followed' };
    if (!stat.isFile()) return { file, reason: 'unreadable', detail: `is ${kindOf(stat)}, not a file` };
    if (stat.size > maxFileBytes) return { file, reason: 'too-large', detail: `${stat.size} bytes, over the limit of ${maxFileBytes}` };
    if (!(await staysInside(root, full))) return { file, reason: 'unreadable', detail: 'lies outside the folder, through a linked folder' };
    const bytes = await readBoundedFile(full, maxFileBytes, { noFollow: true });
    if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return { file, reason: 'binary', detail: 'holds NUL bytes' };
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return { file, reason: 'binary', detail: 'not valid UTF-8' };
    }
    return { text, mtimeMs: stat.mtimeMs, size: stat.size };
  } catch (error) {
    const code = (error as { code?: string }).code;
    // readdir gives names that are not valid UTF-8 with U+FFFD in place of the bytes: no file has that name.
    if (code === 'ENOENT' && file.includes('\uFFFD')) return { file, reason: 'unreadable', detail: 'its name is not valid UTF-8, so it cannot be opened by name' };
    if (code === 'ESIZE') return { file, reason: 'too-large', detail: `grew over the limit of ${maxFileBytes} bytes while being read` };
    if (error instanceof UnreadableFileError && code !== 'ENOENT') return { file, reason: 'unreadable', detail: error.problem };
    return { file, reason: 'unreadable', detail: reasonOf(error) };
  }
}

/** 0-based line of `offset`, counting newlines on from the cursor (which it then moves there). */
function lineOf(text: string, offset: number, from: { offset: number; line: number }): number {
  let { line } = from;
  for (let i = from.offset; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  from.offset = offset;
  from.line = line;
  return line;
}

function toIndexed(file: string, text: string, chunks: readonly TextChunk[]): IndexedChunk[] {
  const cursor = { offset: 0, line: 0 };
  return chunks.map((c, n) => {
    // Offsets grow within a file; overlapping windows step back, so the cursor restarts there.
    if (c.start < cursor.offset) Object.assign(cursor, { offset: 0, line: 0 });
    const startLine = lineOf(text, c.start, cursor);
    const endLine = startLine + (c.text.slice(0, Math.max(0, c.text.length - 1)).match(/\n/g)?.length ?? 0);
    return { id: `${file}#${n}`, file, start: c.start, end: c.end, startLine, endLine, tokenCount: c.tokenCount, title: c.title, text: c.text };
  });
}

/** Chunks and embeds one file's text. */
export async function indexText(parts: IndexerParts, file: string, text: string, signal?: AbortSignal): Promise<{ chunks: IndexedChunk[]; vectors: Float32Array[] }> {
  const chunks = toIndexed(file, text, chunkText(text, fileKind(path.extname(file)), parts.tokenizer, parts.settings.chunk));
  const vectors: Float32Array[] = [];
  for (const chunk of chunks) {
    signal?.throwIfAborted();
    vectors.push(await parts.embedder.embed(chunk.text));
  }
  return { chunks, vectors };
}

export function newIndex(root: string, parts: IndexerParts): RagIndex {
  return new RagIndex({
    root: path.resolve(root),
    embedder: parts.embedder.id,
    dimensions: parts.embedder.dimensions,
    tokenizer: parts.tokenizer.name,
    chunk: parts.settings.chunk,
  });
}

/** True when `index` was built with these parts, so its chunks and vectors can be reused. */
export function sameParts(index: RagIndex, parts: Omit<IndexerParts, 'tokenizer'> & { readonly tokenizer: { readonly name: string } }): boolean {
  const id = index.identity;
  return (
    id.embedder === parts.embedder.id &&
    id.dimensions === parts.embedder.dimensions &&
    id.tokenizer === parts.tokenizer.name &&
    id.chunk.size === parts.settings.chunk.size &&
    id.chunk.overlap === parts.settings.chunk.overlap
  );
}

export async function buildIndex(root: string, parts: IndexerParts, options: BuildOptions = {}): Promise<{ index: RagIndex; report: IndexReport }> {
  const started = performance.now();
  const { signal, onProgress } = options;
  const previous = options.previous && sameParts(options.previous, parts) ? options.previous : undefined;
  const walked = await walkFolder(root, parts.settings.walk, signal);
  if (walked.unreadableFolders.some((f) => f.path === '.')) throw new FolderGoneError(root);
  const index = newIndex(root, parts);
  const skipped: SkippedFile[] = [];
  let reused = 0;
  for (const [i, file] of walked.files.entries()) {
    signal?.throwIfAborted();
    onProgress?.({ done: i, total: walked.files.length, file });
    const read = await readIndexableFile(root, file, parts.settings.maxFileBytes);
    if ('reason' in read) {
      skipped.push(read);
      continue;
    }
    const old = previous?.files.get(file);
    if (old && previous && old.mtimeMs === read.mtimeMs && old.size === read.size) {
      const chunks = old.chunkIds.map((id) => previous.chunks.get(id)).filter((c): c is IndexedChunk => c !== undefined);
      index.setFile(file, read, chunks, chunks.map((c) => previous.vectorOf(c.id) ?? new Float32Array(parts.embedder.dimensions)));
      reused++;
      continue;
    }
    const { chunks, vectors } = await indexText(parts, file, read.text, signal);
    index.setFile(file, read, chunks, vectors);
    // Tokenizing is synchronous: give the event loop a turn between files.
    await new Promise((resolve) => setImmediate(resolve));
  }
  onProgress?.({ done: walked.files.length, total: walked.files.length, file: '' });
  return {
    index,
    report: {
      files: index.files.size,
      chunks: index.chunks.size,
      reused,
      skipped,
      ignored: walked.ignored,
      notIncluded: walked.notIncluded,
      unreadableFolders: walked.unreadableFolders,
      ms: performance.now() - started,
    },
  };
}

/** One file read, chunked and embedded, or the reason it is left out of the index. */
export type IndexedFileText =
  | { readonly kind: 'indexed'; readonly stat: { readonly mtimeMs: number; readonly size: number }; readonly chunks: IndexedChunk[]; readonly vectors: Float32Array[] }
  | { readonly kind: 'skipped'; readonly skipped: SkippedFile };

export async function indexFile(root: string, parts: IndexerParts, file: string, signal?: AbortSignal): Promise<IndexedFileText> {
  const read = await readIndexableFile(root, file, parts.settings.maxFileBytes);
  if ('reason' in read) return { kind: 'skipped', skipped: read };
  return { kind: 'indexed', stat: { mtimeMs: read.mtimeMs, size: read.size }, ...(await indexText(parts, file, read.text, signal)) };
}

export type FileUpdate = { readonly kind: 'indexed'; readonly chunks: number } | { readonly kind: 'removed' } | { readonly kind: 'skipped'; readonly skipped: SkippedFile };

/** Puts one file's fresh chunks into the index, or drops the file when it is gone or no longer indexable. */
export function applyFile(index: RagIndex, file: string, result: IndexedFileText): FileUpdate {
  if (result.kind === 'skipped') {
    index.removeFile(file);
    const { skipped } = result;
    return skipped.reason === 'unreadable' && skipped.detail === 'no longer exists' ? { kind: 'removed' } : result;
  }
  index.setFile(file, result.stat, result.chunks, result.vectors);
  return { kind: 'indexed', chunks: result.chunks.length };
}

/** Re-indexes one file after it changed (in this thread; the extension does it in the index worker). */
export async function updateFile(index: RagIndex, parts: IndexerParts, file: string): Promise<FileUpdate> {
  return applyFile(index, file, await indexFile(index.identity.root, parts, file));
}
