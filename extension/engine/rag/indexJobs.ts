// The index worker's jobs and the messages that carry them. Indexing walks a folder, tokenizes
// every file and runs the embedder on every chunk: seconds to minutes of work that must not stall
// the editor. The extension runs these jobs in a child process (indexWorker.ts, started by
// indexWorkerHost.ts), which also keeps the built indexes in memory and answers queries over them
// (heldIndexes.ts): the editor's thread is sent only what it draws.

import { buildIndex, indexFile, sameParts, type IndexedFileText, type IndexerParts, type IndexProgress, type IndexReport, type IndexSettings } from './indexer';
import type { Embedder } from './embedder';
import type { AnswerRanking } from './answerRanking';
import { HeldIndexes, type IndexSummary, type IndexUpdate, summaryOf } from './heldIndexes';
import { loadIndex, OtherIndexFormatError, saveIndex } from './indexStore';
import type { IndexedChunk, Retrieval } from './ragIndex';
import { openModelEmbedder } from './modelEmbedder';
import { openSentenceEmbedder } from './sentenceEmbedder';
import { loadTokenizerFile } from '../tokenizer/loadTokenizerFile';

/** Which embedder to open: a model folder's pooled hidden states, or a sentence-embedding model folder. */
export interface EmbedderSpec {
  readonly kind: 'model' | 'sentence';
  readonly dir: string;
}

/** Everything a job needs to open its parts in another process: folders and settings, no objects. */
export interface IndexPartsSpec {
  /** The folder whose tokenizer.json counts the chunks' tokens. */
  readonly tokenizerDir: string;
  readonly embedder: EmbedderSpec;
  readonly settings: IndexSettings;
}

export type IndexRequest =
  | { readonly type: 'build'; readonly id: number; readonly root: string; readonly store: string; readonly parts: IndexPartsSpec }
  | { readonly type: 'indexFile'; readonly id: number; readonly root: string; readonly file: string; readonly parts: IndexPartsSpec }
  | { readonly type: 'update'; readonly id: number; readonly root: string; readonly store: string; readonly file: string; readonly parts: IndexPartsSpec }
  | { readonly type: 'search'; readonly id: number; readonly store: string; readonly query: string; readonly vector: Float32Array; readonly limit: number; readonly answer: AnswerRanking }
  | { readonly type: 'chunks'; readonly id: number; readonly store: string; readonly file?: string; readonly chunkId?: string }
  | { readonly type: 'forget'; readonly id: number; readonly store: string }
  | { readonly type: 'cancel'; readonly id: number };

export interface BuiltIndex {
  readonly report: IndexReport;
  /** Set when the stored index could not be read and was rebuilt from scratch: why. */
  readonly rebuiltBecause?: string;
  /** With rebuiltBecause: the stored index was another version's format, not damaged. */
  readonly olderFormat?: boolean;
  readonly summary: IndexSummary;
}

export type IndexReply =
  | { readonly type: 'progress'; readonly id: number; readonly progress: IndexProgress }
  | { readonly type: 'built'; readonly id: number; readonly built: BuiltIndex }
  | { readonly type: 'file'; readonly id: number; readonly result: IndexedFileText }
  | { readonly type: 'updated'; readonly id: number; readonly update: IndexUpdate }
  | { readonly type: 'searched'; readonly id: number; readonly retrieval: Retrieval; readonly chunks: number }
  | { readonly type: 'chunks'; readonly id: number; readonly chunks: IndexedChunk[] }
  | { readonly type: 'forgotten'; readonly id: number }
  | { readonly type: 'failed'; readonly id: number; readonly name: string; readonly message: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isPartsSpec(value: unknown): value is IndexPartsSpec {
  if (!isRecord(value) || typeof value.tokenizerDir !== 'string' || !isRecord(value.settings)) return false;
  const embedder = value.embedder;
  return isRecord(embedder) && (embedder.kind === 'model' || embedder.kind === 'sentence') && typeof embedder.dir === 'string';
}

/** Requests reach the worker as structured clones: checked before the worker acts on them. */
export function isIndexRequest(value: unknown): value is IndexRequest {
  if (!isRecord(value) || typeof value.id !== 'number') return false;
  switch (value.type) {
    case 'cancel':
      return true;
    case 'build':
      return typeof value.root === 'string' && typeof value.store === 'string' && isPartsSpec(value.parts);
    case 'indexFile':
      return typeof value.root === 'string' && typeof value.file === 'string' && isPartsSpec(value.parts);
    case 'update':
      return typeof value.root === 'string' && typeof value.store === 'string' && typeof value.file === 'string' && isPartsSpec(value.parts);
    case 'search':
      return typeof value.store === 'string' && typeof value.query === 'string' && value.vector instanceof Float32Array && typeof value.limit === 'number' && isRecord(value.answer);
    case 'chunks':
      return typeof value.store === 'string' && (typeof value.file === 'string' || typeof value.chunkId === 'string');
    case 'forget':
      return typeof value.store === 'string';
    default:
      return false;
  }
}

export function isIndexReply(value: unknown): value is IndexReply {
  if (!isRecord(value) || typeof value.id !== 'number') return false;
  switch (value.type) {
    case 'progress':
      return isRecord(value.progress);
    case 'built':
      return isRecord(value.built) && isRecord(value.built.report);
    case 'file':
      return isRecord(value.result) && (value.result.kind === 'indexed' || value.result.kind === 'skipped');
    case 'updated':
      return isRecord(value.update) && isRecord(value.update.summary);
    case 'searched':
      return isRecord(value.retrieval) && typeof value.chunks === 'number';
    case 'chunks':
      return Array.isArray(value.chunks);
    case 'forgotten':
      return true;
    case 'failed':
      return typeof value.name === 'string' && typeof value.message === 'string';
    default:
      return false;
  }
}

async function openEmbedder(spec: EmbedderSpec): Promise<Embedder> {
  return spec.kind === 'sentence' ? openSentenceEmbedder(spec.dir) : openModelEmbedder(spec.dir);
}

/**
 * The parts of the jobs one worker runs. The tokenizer and embedder are opened once and kept
 * while the jobs ask for the same folders; the settings come with each job.
 */
export class IndexJobs {
  readonly held = new HeldIndexes();
  private opened: { key: string; parts: Promise<Omit<IndexerParts, 'settings'>> } | undefined;

  async parts(spec: IndexPartsSpec): Promise<IndexerParts> {
    const key = JSON.stringify([spec.tokenizerDir, spec.embedder.kind, spec.embedder.dir]);
    if (this.opened?.key !== key) {
      await this.release();
      const parts = Promise.all([loadTokenizerFile(spec.tokenizerDir), openEmbedder(spec.embedder)]).then(([tokenizer, embedder]) => ({ tokenizer, embedder }));
      // A folder that failed to open is tried again by the next job.
      parts.catch(() => this.opened?.parts === parts && (this.opened = undefined));
      this.opened = { key, parts };
    }
    return { ...(await this.opened.parts), settings: spec.settings };
  }

  /**
   * Brings the index stored in `store` up to date with `root`: unchanged files keep their chunks
   * and vectors, the rest are indexed again, and the result is written back when anything changed.
   */
  async build(root: string, store: string, spec: IndexPartsSpec, options: { signal?: AbortSignal; onProgress?: (p: IndexProgress) => void } = {}): Promise<BuiltIndex> {
    const parts = await this.parts(spec);
    // Read from disk even when an index is held: what is stored is what the next session finds,
    // and a damaged or deleted store must be written again.
    let previous;
    let rebuiltBecause: string | undefined;
    let olderFormat: boolean | undefined;
    try {
      previous = await loadIndex(store);
    } catch (error) {
      rebuiltBecause = (error as Error).message;
      if (error instanceof OtherIndexFormatError) olderFormat = true;
    }
    const { index, report } = await buildIndex(root, parts, { previous, ...options });
    const unchanged = previous && sameParts(previous, parts) && report.reused === report.files && previous.files.size === index.files.size;
    if (!unchanged) saveIndex(store, index);
    this.held.set(store, index);
    return { report, rebuiltBecause, olderFormat, summary: summaryOf(index) };
  }

  async update(root: string, store: string, file: string, spec: IndexPartsSpec, signal?: AbortSignal): Promise<IndexUpdate> {
    return this.held.update(root, store, file, await this.parts(spec), signal);
  }

  async indexFile(root: string, file: string, spec: IndexPartsSpec, signal?: AbortSignal): Promise<IndexedFileText> {
    return indexFile(root, await this.parts(spec), file, signal);
  }

  async release(): Promise<void> {
    const opened = this.opened;
    this.opened = undefined;
    const parts = await opened?.parts.catch(() => undefined);
    await parts?.embedder.release();
  }
}
