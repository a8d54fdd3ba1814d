// The RAG index in memory: the chunks of every indexed file, a BM25 index over their text and a
// unit vector for each. A file is the unit of change: setFile replaces all of one file's chunks,
// so an edit re-indexes that file alone.

import type { AnswerRanking } from './answerRanking';
import { Bm25Index, type ScoredId } from './bm25';
import type { ChunkSettings } from './chunker';
import { VectorStore } from './dense';
import { reciprocalRankFusion, RRF_K } from './fusion';

export interface IndexedChunk {
  /** "<file>#<n>": n counts the file's chunks from 0. */
  readonly id: string;
  /** Relative to the index root, '/' separated. */
  readonly file: string;
  /** UTF-16 offsets in the file, [start, end). */
  readonly start: number;
  readonly end: number;
  /** 0-based lines of start and end (end's line holds the last character). */
  readonly startLine: number;
  readonly endLine: number;
  readonly tokenCount: number;
  readonly title: string;
  readonly text: string;
}

export interface IndexedFile {
  readonly mtimeMs: number;
  readonly size: number;
  readonly chunkIds: readonly string[];
}

export interface IndexIdentity {
  readonly root: string;
  /** The embedder's id: vectors from another embedder are not comparable. */
  readonly embedder: string;
  readonly dimensions: number;
  /** The tokenizer chunks were counted with. */
  readonly tokenizer: string;
  readonly chunk: ChunkSettings;
}

export interface RankedChunk {
  readonly chunk: IndexedChunk;
  readonly score: number;
  readonly rank: number;
}

export interface FusedChunk extends RankedChunk {
  readonly bm25Rank?: number;
  readonly denseRank?: number;
}

export interface Retrieval {
  readonly query: string;
  readonly bm25: readonly RankedChunk[];
  readonly dense: readonly RankedChunk[];
  readonly fused: readonly FusedChunk[];
  readonly rrfK: number;
  /** The ranking whose chunks feed the answer, its dense weight in the fusion, and why. */
  readonly answer: AnswerRanking;
  /** That ranking's chunks, in the order they feed the answer. */
  readonly fed: readonly FusedChunk[];
}

export class RagIndex {
  readonly files = new Map<string, IndexedFile>();
  readonly chunks = new Map<string, IndexedChunk>();
  private readonly bm25 = new Bm25Index();
  private readonly vectors: VectorStore;

  constructor(readonly identity: IndexIdentity) {
    this.vectors = new VectorStore(identity.dimensions);
  }

  setFile(file: string, stat: { mtimeMs: number; size: number }, chunks: readonly IndexedChunk[], vectors: readonly Float32Array[]): void {
    this.removeFile(file);
    chunks.forEach((chunk, i) => {
      this.chunks.set(chunk.id, chunk);
      this.bm25.add(chunk.id, chunk.text);
      this.vectors.set(chunk.id, vectors[i]);
    });
    this.files.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, chunkIds: chunks.map((c) => c.id) });
  }

  removeFile(file: string): void {
    for (const id of this.files.get(file)?.chunkIds ?? []) {
      this.chunks.delete(id);
      this.bm25.remove(id);
      this.vectors.delete(id);
    }
    this.files.delete(file);
  }

  vectorOf(id: string): Float32Array | undefined {
    return this.vectors.get(id);
  }

  /**
   * Both rankings of the whole index and their fusion (dense weighted by `answer.denseWeight`),
   * `limit` of each, and the one `answer` names as the chunks that feed the answer.
   */
  search(query: string, queryVector: Float32Array, limit: number, answer: AnswerRanking): Retrieval {
    // Fusion looks deeper than what is shown, so a chunk ranked 8th by both can still win.
    const depth = Math.max(limit, 50);
    const bm25 = this.bm25.search(query, depth);
    const dense = this.vectors.search(queryVector, depth);
    const fused: FusedChunk[] = reciprocalRankFusion([bm25, dense], limit, RRF_K, [1, answer.denseWeight]).map((f, i) => ({
      chunk: this.chunk(f.id),
      score: f.score,
      rank: i + 1,
      bm25Rank: f.ranks[0],
      denseRank: f.ranks[1],
    }));
    const rankings = { bm25: this.ranked(bm25.slice(0, limit)), dense: this.ranked(dense.slice(0, limit)), fused };
    return { query, ...rankings, rrfK: RRF_K, answer, fed: rankings[answer.ranking] };
  }

  private ranked(list: readonly ScoredId[]): RankedChunk[] {
    return list.map((s, i) => ({ chunk: this.chunk(s.id), score: s.score, rank: i + 1 }));
  }

  private chunk(id: string): IndexedChunk {
    const chunk = this.chunks.get(id);
    if (!chunk) throw new Error(`RAG index: chunk ${id} is ranked but not stored`);
    return chunk;
  }
}
