// The indexes the index worker keeps in memory, one per store folder, and the questions it answers
// over them. The extension host holds none of it: it is sent only what it draws (a ranking's few
// chunks, one file's chunks for the editor's decorations, counts), so that loading an index of
// tens of thousands of chunks, building its BM25 postings and collecting the garbage all happen in
// the worker's process, not on the editor's thread.
import type { AnswerRanking } from './answerRanking';
import { applyFile, indexFile, type FileUpdate, type IndexerParts, sameParts } from './indexer';
import { loadIndex, saveIndex } from './indexStore';
import type { IndexedChunk, IndexIdentity, RagIndex, Retrieval } from './ragIndex';
import { isWalked } from './walkFolder';

/** What the host shows of a held index. */
export interface IndexSummary {
  readonly identity: IndexIdentity;
  readonly files: number;
  readonly chunks: number;
}

/** The changes one incremental update made: none when the index was made with other parts. */
export interface IndexUpdate {
  readonly files: readonly { readonly file: string; readonly update: FileUpdate }[];
  readonly summary: IndexSummary;
  /** The index was made with other settings or another embedder: it is rebuilt when next used. */
  readonly stale: boolean;
}

export function summaryOf(index: RagIndex): IndexSummary {
  return { identity: index.identity, files: index.files.size, chunks: index.chunks.size };
}

export class HeldIndexes {
  private readonly held = new Map<string, RagIndex>();

  /** The index of `store`: held, else loaded from disk (after a worker restart). */
  async get(store: string): Promise<RagIndex> {
    let index = this.held.get(store);
    if (!index) {
      index = await loadIndex(store);
      if (!index) throw new Error(`${store}: no index is stored there; attach the folder again`);
      this.held.set(store, index);
    }
    return index;
  }

  set(store: string, index: RagIndex): void {
    this.held.set(store, index);
  }

  forget(store: string): void {
    this.held.delete(store);
  }

  async search(store: string, query: string, vector: Float32Array, limit: number, answer: AnswerRanking): Promise<{ retrieval: Retrieval; chunks: number }> {
    const index = await this.get(store);
    return { retrieval: index.search(query, vector, limit, answer), chunks: index.chunks.size };
  }

  /** The chunks of `file` (relative, '/'-separated), in file order. */
  async chunksOf(store: string, file: string): Promise<IndexedChunk[]> {
    const index = await this.get(store);
    return (index.files.get(file)?.chunkIds ?? []).flatMap((id) => index.chunks.get(id) ?? []);
  }

  async chunk(store: string, id: string): Promise<IndexedChunk | undefined> {
    return (await this.get(store)).chunks.get(id);
  }

  /** Re-indexes one changed path of `root`: a file, or every indexed file under a deleted folder; stores the index when anything changed. */
  async update(root: string, store: string, relative: string, parts: IndexerParts, signal?: AbortSignal): Promise<IndexUpdate> {
    const index = await this.get(store);
    if (!sameParts(index, parts)) return { files: [], summary: summaryOf(index), stale: true };
    const under = [...index.files.keys()].filter((f) => f.startsWith(`${relative}/`));
    const files: { file: string; update: FileUpdate }[] = [];
    for (const file of under.length ? under : [relative]) {
      if (!index.files.has(file) && !(await isWalked(root, file, parts.settings.walk))) continue;
      files.push({ file, update: applyFile(index, file, await indexFile(root, parts, file, signal)) });
    }
    if (files.length) saveIndex(store, index);
    return { files, summary: summaryOf(index), stale: false };
  }
}
