// RAG: indexing throughput (files/s, chunks/s) on 1,200 TinyStories files written to a temp
// folder, in this thread and in the index worker's process as the extension runs it (with the
// longest stall of this thread's event loop meanwhile), and query latency (embed the question,
// BM25 + cosine over every chunk, fusion) on 10,000 chunks (loading them: ragLoad.bench.ts),
// with the default embedder (the bundled model's pooled hidden states) and, when `npm run
// provision` has put it in .harness/models/, with all-MiniLM-L6-v2.
// The 10,000-chunk index holds real corpus chunks (so BM25's postings are real) with vectors
// reused from the embedded ones in turn: scoring costs the same per vector, and embedding 10,000
// chunks would make the benchmark take many minutes without changing the figure measured.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { answerRankingFor } from '../../extension/engine/rag/answerRanking';
import { chunkText } from '../../extension/engine/rag/chunker';
import { buildIndex, newIndex, type IndexerParts } from '../../extension/engine/rag/indexer';
import { IndexWorkerHost } from '../../extension/engine/rag/indexWorkerHost';
import type { Embedder } from '../../extension/engine/rag/embedder';
import { openModelEmbedder } from '../../extension/engine/rag/modelEmbedder';
import type { RagIndex } from '../../extension/engine/rag/ragIndex';
import { openSentenceEmbedder } from '../../extension/engine/rag/sentenceEmbedder';
import type { TextTokenizer } from '../../extension/engine/tokenizer/types';
import type { IndexedChunk } from '../../extension/engine/rag/ragIndex';
import { DEFAULT_WALK } from '../../extension/engine/rag/walkFolder';
import { loadTokenizerFile } from '../../extension/engine/tokenizer/loadTokenizerFile';
import { bundledModelFolder } from '../../extension/model/bundledModel';
import { embeddingModelDir, hasEmbeddingModel } from '../harness/embeddingModel';
import { tsxWorkerScript } from '../unit/workerShim';
import { longestStall, median, report, timeRepeats, type Bench } from './bench';

const CORPUS = path.join(__dirname, '..', '..', 'corpus', 'tinystories', 'valid.txt');
const FILES = 1200;
const QUERY_CHUNKS = 10_000;
const QUESTIONS = ['Why was the little dog sad?', 'What did Lily find in the park?', 'Who helped Tom fix the red car?', 'Where did the bird build its nest?'];

function stories(): string[] {
  return fs
    .readFileSync(CORPUS, 'utf8')
    .split('<|endoftext|>')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

const SETTINGS = { walk: DEFAULT_WALK, chunk: { size: 128, overlap: 16 }, maxFileBytes: 1 << 20 };

/** Indexes `dir` in this thread and reports the throughput; returns the index. */
async function indexInThisThread(dir: string, parts: IndexerParts, label: string): Promise<{ index: RagIndex; filesPerMs: number; stallMs: number }> {
  const { result, stallMs } = await longestStall(() => buildIndex(dir, parts));
  const { index, report: built } = result;
  report(`${label} indexing in this thread: files per second`, built.files / (built.ms / 1000), 'files/s', `${built.files} files, ${parts.embedder.label}`);
  report(`${label} indexing in this thread: chunks per second`, built.chunks / (built.ms / 1000), 'chunks/s', `${built.chunks} chunks of ≤128 tokens, overlap 16`);
  report(`${label} indexing in this thread: longest event-loop stall`, stallMs, 'ms');
  return { index, filesPerMs: built.files / built.ms, stallMs };
}

/** 10,000 real chunks of the corpus, their vectors taken in turn from an index's embedded ones. */
function largeIndex(dir: string, parts: IndexerParts, stories: readonly string[], embedded: RagIndex): RagIndex {
  const vectors = [...embedded.chunks.keys()].map((id) => embedded.vectorOf(id) as Float32Array);
  const large = newIndex(dir, parts);
  let count = 0;
  for (let s = 0; count < QUERY_CHUNKS; s++) {
    const file = `story-${s}.txt`;
    const text = stories[s % stories.length];
    const chunks = chunkText(text, 'text', parts.tokenizer, { size: 32, overlap: 4 })
      .slice(0, QUERY_CHUNKS - count)
      .map((c, n): IndexedChunk => ({ id: `${file}#${n}`, file, start: c.start, end: c.end, startLine: 0, endLine: 0, tokenCount: c.tokenCount, title: '', text: c.text }));
    large.setFile(file, { mtimeMs: 0, size: text.length }, chunks, chunks.map((_, n) => vectors[(count + n) % vectors.length]));
    count += chunks.length;
  }
  return large;
}

/** Embedding the question, then BM25 + cosine + fusion over `large`: medians of 20. */
async function queryLatency(large: RagIndex, embedder: Embedder, label: string): Promise<void> {
  const queryVectors = await Promise.all(QUESTIONS.map((q) => embedder.embed(q)));
  let q = 0;
  const embedTimes = await timeRepeats(() => embedder.embed(QUESTIONS[q++ % QUESTIONS.length]), 20, 2);
  let s = 0;
  // CPU time of this thread too: on a machine loaded beyond its cores, wall time mostly measures waiting.
  const cpuTimes: number[] = [];
  const searchTimes = await timeRepeats(async () => {
    const i = s++ % QUESTIONS.length;
    const cpu = process.cpuUsage();
    large.search(QUESTIONS[i], queryVectors[i], 8, answerRankingFor(embedder.id));
    const used = process.cpuUsage(cpu);
    cpuTimes.push((used.user + used.system) / 1000);
  }, 20, 2);
  const total = median(embedTimes) + median(searchTimes);
  report(`${label} query: embed the question`, median(embedTimes), 'ms', 'median of 20, wall');
  report(`${label} query: BM25 + cosine + RRF, ${large.chunks.size} chunks`, median(searchTimes), 'ms', `median of 20, wall; ${embedder.dimensions} dimensions`);
  report(`${label} query: BM25 + cosine + RRF, ${large.chunks.size} chunks`, median(cpuTimes.slice(2)), 'ms CPU', 'median of 20, CPU time of the thread');
  report(`${label} query: total (wall)`, total, 'ms', `goal < 50 ms; ratio to goal ${(total / 50).toFixed(2)}`);
}

/** The same work as the extension does it: in the index worker's process, with this thread free. */
async function indexInWorker(dir: string, modelDir: string, local: { filesPerMs: number; stallMs: number }): Promise<void> {
  // The worker's script and the index it stores live outside the folder indexed.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rag-bench-worker-'));
  const worker = new IndexWorkerHost(tsxWorkerScript(scratch, 'ragWorker', 'extension/engine/rag/indexWorker.ts'));
  try {
    const spec = { tokenizerDir: modelDir, embedder: { kind: 'model' as const, dir: modelDir }, settings: SETTINGS };
    const { result, stallMs } = await longestStall(() => worker.build(dir, path.join(scratch, 'index'), spec));
    const w = result.report;
    report('indexing in the index worker: files per second', w.files / (w.ms / 1000), 'files/s', `ratio to this thread ${(w.files / w.ms / local.filesPerMs).toFixed(2)}`);
    report('indexing in the index worker: chunks per second', w.chunks / (w.ms / 1000), 'chunks/s');
    report('indexing in the index worker: longest event-loop stall here', stallMs, 'ms', `vs ${local.stallMs.toFixed(0)} ms indexing in this thread`);
  } finally {
    worker.dispose();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

async function withEmbedder(embedder: Embedder, work: (embedder: Embedder) => Promise<void>): Promise<void> {
  try {
    await work(embedder);
  } finally {
    await embedder.release();
  }
}

export const bench: Bench = {
  name: 'rag',
  description: 'RAG indexing throughput (1,200 files) and query latency (10,000 chunks), default embedder and all-MiniLM-L6-v2',
  async run() {
    const modelDir = bundledModelFolder(path.join(__dirname, '..', '..'));
    if (!modelDir) {
      console.log('  skipped: no bundled model under models/ (config.json and onnx/model.onnx)');
      return;
    }
    const all = stories();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rag-bench-'));
    try {
      for (let i = 0; i < FILES; i++) {
        const sub = path.join(dir, `part-${String(i % 12).padStart(2, '0')}`);
        fs.mkdirSync(sub, { recursive: true });
        fs.writeFileSync(path.join(sub, `story-${String(i).padStart(4, '0')}.txt`), all[i % all.length]);
      }
      const tokenizer: TextTokenizer = await loadTokenizerFile(modelDir);
      await withEmbedder(await openModelEmbedder(modelDir), async (embedder) => {
        const parts: IndexerParts = { tokenizer, embedder, settings: SETTINGS };
        const local = await indexInThisThread(dir, parts, 'default:');
        await indexInWorker(dir, modelDir, local);
        await queryLatency(largeIndex(dir, parts, all, local.index), embedder, 'default:');
      });
      if (!hasEmbeddingModel()) {
        console.log(`  all-MiniLM-L6-v2 skipped: ${embeddingModelDir} is not provisioned (npm run provision)`);
        return;
      }
      await withEmbedder(await openSentenceEmbedder(embeddingModelDir), async (embedder) => {
        const parts: IndexerParts = { tokenizer, embedder, settings: SETTINGS };
        const local = await indexInThisThread(dir, parts, 'MiniLM:');
        await queryLatency(largeIndex(dir, parts, all, local.index), embedder, 'MiniLM:');
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
