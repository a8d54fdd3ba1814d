// Sparse and dense rankings on a small hand-made corpus whose answers are known, BM25 scores
// against a hand computation, and reciprocal rank fusion.

import { strict as assert } from 'node:assert';
import { create, insert, search } from '@orama/orama';
import { Bm25Index, bm25Terms, topScores } from '../../extension/engine/rag/bm25';
import { l2Normalize, VectorStore } from '../../extension/engine/rag/dense';
import { reciprocalRankFusion } from '../../extension/engine/rag/fusion';

const CORPUS: Record<string, string> = {
  d1: 'the cat sat on the mat', // 6 terms
  d2: 'the dog chased the cat around the garden', // 8 terms
  d3: 'stock markets fell sharply today', // 5 terms
  d4: 'a recipe for apple pie with cinnamon', // 7 terms
};

function corpusIndex(): Bm25Index {
  const index = new Bm25Index();
  for (const [id, text] of Object.entries(CORPUS)) index.add(id, text);
  return index;
}

/**
 * BM25 of one document for "cat mat", written out with the corpus' numbers:
 * N = 4, avgdl = (6 + 8 + 5 + 7) / 4 = 6.5, df(cat) = 2, df(mat) = 1, k1 = 1.2, b = 0.75.
 */
function handBm25(length: number, tfCat: number, tfMat: number): number {
  const idfCat = Math.log(1 + (4 - 2 + 0.5) / (2 + 0.5)); // ln 2
  const idfMat = Math.log(1 + (4 - 1 + 0.5) / (1 + 0.5)); // ln (10/3)
  const norm = 1 - 0.75 + (0.75 * length) / 6.5;
  const term = (idf: number, tf: number) => (idf * tf * 2.2) / (tf + 1.2 * norm);
  return term(idfCat, tfCat) + term(idfMat, tfMat);
}

describe('BM25', () => {
  it('splits text into lowercased words and digits', () => {
    assert.deepEqual(bm25Terms("Don't PANIC: 42 towels!"), ['don', 't', 'panic', '42', 'towels']);
  });

  it('scores equal a hand computation of Okapi BM25', () => {
    const hits = corpusIndex().search('cat mat', 10);
    assert.deepEqual(hits.map((h) => h.id), ['d1', 'd2']);
    assert.ok(Math.abs(hits[0].score - handBm25(6, 1, 1)) < 1e-12, `${hits[0].score} vs ${handBm25(6, 1, 1)}`);
    assert.ok(Math.abs(hits[1].score - handBm25(8, 1, 0)) < 1e-12);
  });

  it('finds the known answer for each question, and nothing for words no document holds', () => {
    const index = corpusIndex();
    assert.equal(index.search('why did stock markets fall', 1)[0].id, 'd3');
    assert.equal(index.search('cinnamon apple', 1)[0].id, 'd4');
    assert.equal(index.search('dog garden', 1)[0].id, 'd2');
    assert.deepEqual(index.search('quantum chromodynamics', 5), []);
  });

  it('removing and re-adding a document gives the same scores as building from scratch', () => {
    const index = corpusIndex();
    index.remove('d2');
    index.add('d2', CORPUS.d2);
    assert.deepEqual(index.search('the cat', 4), corpusIndex().search('the cat', 4));
    index.remove('d1');
    assert.equal(index.size, 3);
    assert.deepEqual(index.search('mat', 4), []);
  });

  it("@orama/orama 3.1.18's fulltext score is not this BM25 (why bm25.ts exists)", async () => {
    const db = create({ schema: { text: 'string' } as const });
    for (const [id, text] of Object.entries(CORPUS)) await insert(db, { id, text });
    const result = await search(db, { term: 'cat mat', properties: ['text'], exact: true });
    const d1 = result.hits.find((h) => h.id === 'd1');
    assert.ok(d1);
    // Orama divides tf by the document's length, counts distinct words, and adds BM25+'s delta.
    assert.ok(Math.abs(d1.score - handBm25(6, 1, 1)) > 0.05, `Orama ${d1.score} vs BM25 ${handBm25(6, 1, 1)}`);
  });
});

describe('cosine ranking', () => {
  it('ranks unit vectors by their dot product with the query', () => {
    const store = new VectorStore(3);
    store.set('east', l2Normalize(Float32Array.of(1, 0, 0)));
    store.set('north-east', l2Normalize(Float32Array.of(1, 1, 0)));
    store.set('up', l2Normalize(Float32Array.of(0, 0, 2)));
    store.set('west', l2Normalize(Float32Array.of(-3, 0, 0)));
    const hits = store.search(l2Normalize(Float32Array.of(2, 0.5, 0)), 4);
    assert.deepEqual(hits.map((h) => h.id), ['east', 'north-east', 'up', 'west']);
    // cos between (2, 0.5, 0) and (1, 1, 0) = 2.5 / (√4.25 · √2)
    assert.ok(Math.abs(hits[1].score - 2.5 / (Math.sqrt(4.25) * Math.SQRT2)) < 1e-6);
    assert.ok(Math.abs(hits[3].score + 2 / Math.sqrt(4.25)) < 1e-6);
    assert.throws(() => store.set('bad', new Float32Array(2)), /3/);
  });
});

describe('top scores', () => {
  it('keeps the `limit` best of many, best first, ties in id order', () => {
    const entries: [string, number][] = Array.from({ length: 1000 }, (_, i) => [`id${String(i).padStart(4, '0')}`, (i * 7919) % 1000]);
    entries.push(['a-tie', 999]);
    const sorted = [...entries].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
    assert.deepEqual(topScores(entries, 5), sorted.slice(0, 5).map(([id, score]) => ({ id, score })));
    assert.equal(topScores(entries, 5)[0].id, 'a-tie');
  });
});

describe('reciprocal rank fusion', () => {
  it('sums 1 / (60 + rank) over the rankings a chunk is in', () => {
    const bm25 = [{ id: 'a', score: 9 }, { id: 'b', score: 5 }, { id: 'c', score: 1 }];
    const dense = [{ id: 'c', score: 0.9 }, { id: 'b', score: 0.8 }, { id: 'd', score: 0.1 }];
    const fused = reciprocalRankFusion([bm25, dense], 10);
    // c: 1/63 + 1/61 = 0.0322665; b: 1/62 + 1/62 = 0.0322581; a: 1/61; d: 1/63.
    assert.deepEqual(fused.map((f) => f.id), ['c', 'b', 'a', 'd']);
    assert.ok(Math.abs(fused[0].score - (1 / 63 + 1 / 61)) < 1e-15);
    assert.ok(Math.abs(fused[1].score - 2 / 62) < 1e-15);
    assert.deepEqual(fused[2].ranks, [1, undefined]);
    assert.deepEqual(fused[3].ranks, [undefined, 3]);
  });
});
