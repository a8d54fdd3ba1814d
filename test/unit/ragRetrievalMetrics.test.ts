// Retrieval metrics against hand-worked examples, the answer ranking each embedder gets, and where
// a sentence-embedding model folder is found (a folder, or an entry of the Hugging Face cache).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { answerRankingFor } from '../../extension/engine/rag/answerRanking';
import { cachedSentenceModels, hubCacheDir, sentenceModelFolder } from '../../extension/engine/rag/embedderFolder';
import { firstRelevantRank, scoreRanks } from '../../extension/engine/rag/retrievalMetrics';
import { sentenceModelName } from '../../extension/engine/rag/sentenceEmbedder';
import { makeTempDir, removeTempDir } from './modelFolderFixtures';

describe('RAG retrieval metrics', () => {
  it('finds the rank of the first chunk from the right file', () => {
    assert.equal(firstRelevantRank(['a.md', 'b.md', 'b.md'], 'b.md'), 2);
    assert.equal(firstRelevantRank(['a.md'], 'c.md'), undefined);
  });

  it('recall@1, recall@5 and MRR of four questions, worked by hand', () => {
    // Ranks 1, 3, 7 and not found: recall@1 = 1/4, recall@5 = 2/4, MRR = (1 + 1/3 + 1/7 + 0) / 4.
    const scores = scoreRanks([1, 3, 7, undefined]);
    assert.equal(scores.questions, 4);
    assert.equal(scores.recallAt1, 0.25);
    assert.equal(scores.recallAt5, 0.5);
    assert.ok(Math.abs(scores.mrr - (1 + 1 / 3 + 1 / 7) / 4) < 1e-12);
    assert.deepEqual(scoreRanks([]), { questions: 0, recallAt1: 0, recallAt5: 0, mrr: 0 });
  });
});

describe('RAG answer ranking', () => {
  it('feeds the answer from BM25 alone with pooled hidden states, from dense with a sentence-embedding model', () => {
    const hidden = answerRankingFor('model:/x/models/tinystories-1m');
    assert.equal(hidden.ranking, 'bm25');
    assert.match(hidden.reason, /weak for meaning/);
    const sentence = answerRankingFor('sentence:/x/all-MiniLM-L6-v2');
    assert.equal(sentence.ranking, 'dense');
    assert.match(sentence.reason, /97%/);
  });
});

describe('RAG embedder folder', () => {
  let temp: string;
  before(() => {
    temp = makeTempDir('rag-embedder-folder');
  });
  after(() => removeTempDir(temp));

  /** A model folder holding the files a sentence-embedding export has (empty: only their presence is checked here). */
  function modelFiles(dir: string): void {
    fs.mkdirSync(path.join(dir, 'onnx'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), '{}');
    fs.writeFileSync(path.join(dir, 'onnx', 'model_quantized.onnx'), '');
  }

  it('takes a Hugging Face cache entry\'s snapshot that refs/main names, and lists the cache\'s ONNX models', () => {
    const hub = path.join(temp, 'hub');
    const entry = path.join(hub, 'models--Xenova--bge-small-en-v1.5');
    modelFiles(path.join(entry, 'snapshots', 'old'));
    modelFiles(path.join(entry, 'snapshots', 'c0ffee'));
    fs.mkdirSync(path.join(entry, 'refs'));
    fs.writeFileSync(path.join(entry, 'refs', 'main'), 'c0ffee\n');
    // A PyTorch-only download is not offered.
    fs.mkdirSync(path.join(hub, 'models--org--torch-only', 'snapshots', 'abc'), { recursive: true });
    assert.equal(sentenceModelFolder(entry), path.join(entry, 'snapshots', 'c0ffee'));
    assert.deepEqual(cachedSentenceModels(hub), [{ name: 'Xenova/bge-small-en-v1.5', dir: path.join(entry, 'snapshots', 'c0ffee') }]);
    assert.deepEqual(cachedSentenceModels(path.join(temp, 'no-such-hub')), []);
    assert.equal(sentenceModelName(path.join(entry, 'snapshots', 'c0ffee')), 'Xenova/bge-small-en-v1.5');
    assert.equal(sentenceModelName('/models/all-MiniLM-L6-v2'), 'all-MiniLM-L6-v2');
  });

  it('says what a folder lacks', () => {
    const plain = path.join(temp, 'plain');
    fs.mkdirSync(plain);
    assert.throws(() => sentenceModelFolder(plain), /plain: has no tokenizer\.json/);
    fs.writeFileSync(path.join(plain, 'tokenizer.json'), '{}');
    assert.throws(() => sentenceModelFolder(plain), /none of onnx\/model\.onnx/);
    assert.throws(() => sentenceModelFolder(path.join(temp, 'missing')), /missing: is not a folder/);
  });

  it('finds the cache as the Hugging Face tools do', () => {
    assert.equal(hubCacheDir({ HF_HUB_CACHE: '/a/hub', HF_HOME: '/b' }), '/a/hub');
    assert.equal(hubCacheDir({ HF_HOME: '/b' }), path.join('/b', 'hub'));
    assert.match(hubCacheDir({}), /\.cache[\\/]huggingface[\\/]hub$/);
  });
});
