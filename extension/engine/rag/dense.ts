// Dense retrieval: every chunk is a unit vector, so cosine similarity is a dot product,
//   cos(q, d) = q·d / (|q|·|d|) = q·d   when |q| = |d| = 1,
// and the nearest chunks are found by scoring them all (10,000 chunks of 384 numbers is 4 million
// multiply-adds, a few milliseconds; an approximate index would only pay off far beyond that).

import { topScores, type ScoredId } from './bm25';

/** v / |v| in place; a zero vector stays zero. */
export function l2Normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const x of vector) sum += x * x;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i] /= norm;
  return vector;
}

export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

export class VectorStore {
  private readonly vectors = new Map<string, Float32Array>();

  constructor(readonly dimensions: number) {}

  get size(): number {
    return this.vectors.size;
  }

  set(id: string, vector: Float32Array): void {
    if (vector.length !== this.dimensions) throw new Error(`vector for ${id} has ${vector.length} numbers, the index holds ${this.dimensions}`);
    this.vectors.set(id, vector);
  }

  get(id: string): Float32Array | undefined {
    return this.vectors.get(id);
  }

  delete(id: string): void {
    this.vectors.delete(id);
  }

  /** The `limit` chunks most similar to the unit vector `query`, best first. */
  search(query: Float32Array, limit: number): ScoredId[] {
    const scored = (function* (vectors: Map<string, Float32Array>): Generator<[string, number]> {
      for (const [id, vector] of vectors) yield [id, dot(query, vector)];
    })(this.vectors);
    return topScores(scored, limit);
  }
}
