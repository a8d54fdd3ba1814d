// A stored RAG index of 10,000 chunks, opened as the extension does: the index worker loads it
// (indexStore.ts) and answers the first query (heldIndexes.ts), while this thread, standing for
// the extension host, only waits for the ranking. The figures: the longest stall of this thread's
// event loop meanwhile (what the editor feels; goal < 20 ms), and, for comparison, the same load
// run in this thread as the host did before. The chunks are real corpus text cut by the bundled
// model's tokenizer; their vectors are random unit vectors of 384 numbers (all-MiniLM-L6-v2's
// size): loading costs the same whatever the numbers are. On a loaded machine all figures are
// indicative only.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chunkText } from '../../extension/engine/rag/chunker';
import { l2Normalize } from '../../extension/engine/rag/dense';
import { answerRankingFor } from '../../extension/engine/rag/answerRanking';
import { loadIndex, saveIndex } from '../../extension/engine/rag/indexStore';
import { IndexWorkerHost } from '../../extension/engine/rag/indexWorkerHost';
import { workerScript } from '../../extension/engine/workers/workerScript';
import { RagIndex, type IndexedChunk } from '../../extension/engine/rag/ragIndex';
import { loadTokenizerFile } from '../../extension/engine/tokenizer/loadTokenizerFile';
import { bundledModelFolder } from '../../extension/model/bundledModel';
import { longestStall, median, report, timeRepeats, type Bench } from './bench';

const CORPUS = path.join(__dirname, '..', '..', 'corpus', 'tinystories', 'valid.txt');
const CHUNKS = 10_000;
const DIMENSIONS = 384;

/**
 * The longest stretch of CPU time this process spent between two turns of the event loop while
 * `job` ran: a 1 ms timer notes process.cpuUsage() each time it gets to run. Unlike the wall-time
 * stall, it does not count the time the machine gave to other processes, so it stays meaningful
 * on a loaded machine (it includes helper threads, such as the garbage collector's: an upper bound).
 */
async function longestCpuStretch(job: () => Promise<unknown>): Promise<number> {
  let last = process.cpuUsage();
  let longest = 0;
  let running = true;
  const tick = () => {
    const used = process.cpuUsage(last);
    longest = Math.max(longest, (used.user + used.system) / 1000);
    last = process.cpuUsage();
    if (running) setTimeout(tick, 1);
  };
  setTimeout(tick, 1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  await job();
  await new Promise((resolve) => setTimeout(resolve, 20));
  running = false;
  return longest;
}

function randomUnitVector(): Float32Array {
  return l2Normalize(Float32Array.from({ length: DIMENSIONS }, () => Math.random() - 0.5));
}

export const bench: Bench = {
  name: 'rag-load',
  description: 'opening a stored RAG index of 10,000 chunks in the index worker: the host\'s longest event-loop stall (goal < 20 ms); the same load in one thread for comparison',
  async run() {
    const modelDir = bundledModelFolder(path.join(__dirname, '..', '..'));
    if (!modelDir) {
      console.log('  skipped: no bundled model under models/ (config.json and onnx/model.onnx)');
      return;
    }
    const tokenizer = await loadTokenizerFile(modelDir);
    const stories = fs.readFileSync(CORPUS, 'utf8').split('<|endoftext|>').map((s) => s.trim()).filter(Boolean);
    const index = new RagIndex({ root: '/bench', embedder: 'bench', dimensions: DIMENSIONS, tokenizer: tokenizer.name, chunk: { size: 64, overlap: 8 } });
    for (let s = 0; index.chunks.size < CHUNKS; s++) {
      const file = `story-${s}.txt`;
      const text = stories[s % stories.length];
      const chunks = chunkText(text, 'text', tokenizer, { size: 64, overlap: 8 })
        .slice(0, CHUNKS - index.chunks.size)
        .map((c, n): IndexedChunk => ({ id: `${file}#${n}`, file, start: c.start, end: c.end, startLine: 0, endLine: 0, tokenCount: c.tokenCount, title: '', text: c.text }));
      index.setFile(file, { mtimeMs: 0, size: text.length }, chunks, chunks.map(randomUnitVector));
    }
    const store = fs.mkdtempSync(path.join(os.tmpdir(), 'rag-bench-load-'));
    try {
      saveIndex(store, index);
      const bytes = fs.readdirSync(store).reduce((sum, f) => sum + fs.statSync(path.join(store, f)).size, 0);
      // The worker runs already (it built the index); told to forget it, it loads it from disk for the query.
      const worker = new IndexWorkerHost(workerScript('ragWorker', 'rag/indexWorker.ts'));
      const hostStalls: number[] = [];
      const hostStretches: number[] = [];
      const opened: number[] = [];
      try {
        const openInWorker = async () => {
          await worker.forget(store);
          const started = performance.now();
          await worker.search(store, 'the little dog', randomUnitVector(), 8, answerRankingFor('bench'));
          opened.push(performance.now() - started);
        };
        await openInWorker();
        opened.length = 0;
        for (let i = 0; i < 5; i++) {
          hostStalls.push((await longestStall(openInWorker)).stallMs);
          hostStretches.push(await longestCpuStretch(openInWorker));
        }
      } finally {
        worker.dispose();
      }
      report('host: longest event-loop stall', median(hostStalls), 'ms', `wall, median of 5 (max ${Math.max(...hostStalls).toFixed(0)} ms) while the worker loads and ranks; goal < 20 ms`);
      report('host: longest CPU stretch between turns', median(hostStretches), 'ms CPU', `median of 5 (max ${Math.max(...hostStretches).toFixed(0)} ms)`);
      report('worker: load and first ranking', median(opened), 'ms', 'median of 10, wall, the round trip included');
      const times = await timeRepeats(() => loadIndex(store), 5, 1);
      const stalls: number[] = [];
      const stretches: number[] = [];
      for (let i = 0; i < 5; i++) {
        stalls.push((await longestStall(() => loadIndex(store))).stallMs);
        stretches.push(await longestCpuStretch(() => loadIndex(store)));
      }
      report(`in one thread: load ${index.chunks.size} chunks`, median(times), 'ms', `median of 5, wall; ${(bytes / 1e6).toFixed(1)} MB on disk`);
      report('in one thread: longest event-loop stall', median(stalls), 'ms', `wall, median of 5 loads (max ${Math.max(...stalls).toFixed(0)} ms); what the host felt before`);
      report('in one thread: longest CPU stretch', median(stretches), 'ms CPU', `median of 5 loads (max ${Math.max(...stretches).toFixed(0)} ms)`);
    } finally {
      fs.rmSync(store, { recursive: true, force: true });
    }
  },
};
