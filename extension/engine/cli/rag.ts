// `rag index` and `rag query`: index a folder and retrieve from it outside VS Code, with the same
// walker, reader, limits, on-disk index and answer ranking (answerRanking.ts) as the RAG panel.
// Indexing runs in the index worker process (dist/ragWorker.js) exactly as the extension runs it;
// a query first brings the index up to date the same way, then loads it and embeds the question here.
//   npm run cli -- rag index --folder docs
//   npm run cli -- rag query --folder docs --question "When are tides highest?" --json
//   npm run cli -- rag query --folder docs --question "..." --embedder ~/.cache/huggingface/hub/models--Xenova--all-MiniLM-L6-v2
// The index lives in <storage>/rag/<hash of the folder's path>; point --storage at the
// extension's global storage folder to share the panel's index.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Embedder } from '../rag/embedder';
import type { BuiltIndex, EmbedderSpec, IndexPartsSpec } from '../rag/indexJobs';
import { answerRankingFor } from '../rag/answerRanking';
import { sentenceModelFolder } from '../rag/embedderFolder';
import { DEFAULT_INDEX_SETTINGS, fittedIndexSettings } from '../rag/indexSettings';
import { indexFolderFor, loadIndex } from '../rag/indexStore';
import { IndexWorkerHost } from '../rag/indexWorkerHost';
import { openModelEmbedder } from '../rag/modelEmbedder';
import { openSentenceEmbedder } from '../rag/sentenceEmbedder';
import { readModelFolder } from '../modelFolder/readModelFolder';
import { workerScript } from '../workers/workerScript';
import type { CliCommand } from './main';

const USAGE = `usage: npm run cli -- rag index --folder <path> [options]
       npm run cli -- rag query --folder <path> --question "..." [options]
  --folder PATH          the folder to index or ask
  --model DIR            the model folder whose tokenizer counts the chunks (and whose hidden states
                         embed them unless --embedder is given; default models/tinystories-1m)
  --embedder DIR         a sentence-embedding model folder to embed with instead, or a Hugging Face
                         cache entry (.../hub/models--org--name); as llmPipeline.rag.embeddingModel
  --question TEXT        (query) what to retrieve for
  --top N                (query) how many chunks to show, in the order that feeds the answer (default 5)
  --storage DIR          where indexes are kept (default: ~/.cache/llm-pipeline-lab)
  --json                 print the report or the retrieval as JSON`;

const DEFAULT_STORAGE = path.join(os.homedir(), '.cache', 'llm-pipeline-lab');
const DEFAULT_MODEL = path.join('models', 'tinystories-1m');

interface RagArgs {
  readonly root: string;
  readonly store: string;
  readonly spec: IndexPartsSpec;
}

function partsOf(values: { folder?: string; model?: string; embedder?: string; storage?: string }): RagArgs {
  const root = path.resolve(values.folder as string);
  if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${values.folder}: is not a folder`);
  const modelDir = path.resolve(values.model ?? DEFAULT_MODEL);
  const model = readModelFolder(modelDir);
  const embedder: EmbedderSpec = values.embedder ? { kind: 'sentence', dir: sentenceModelFolder(values.embedder) } : { kind: 'model', dir: modelDir };
  const settings = fittedIndexSettings(DEFAULT_INDEX_SETTINGS, model.config.contextLength);
  return { root, store: indexFolderFor(values.storage ?? DEFAULT_STORAGE, root), spec: { tokenizerDir: modelDir, embedder, settings } };
}

/** Brings the stored index up to date in the index worker, as the panel does before it retrieves. */
async function build(args: RagArgs, progress: boolean): Promise<BuiltIndex> {
  const host = new IndexWorkerHost(workerScript('ragWorker', 'rag/indexWorker.ts'));
  try {
    return await host.build(args.root, args.store, args.spec, { onProgress: ({ done, total }) => progress && process.stderr.write(`\r${done}/${total} files`) });
  } finally {
    host.dispose();
  }
}

async function index(args: RagArgs, json: boolean): Promise<void> {
  const { report, rebuiltBecause, olderFormat } = await build(args, !json);
  if (json) {
    console.log(JSON.stringify({ folder: args.root, store: args.store, ...report, rebuiltBecause, olderFormat }, null, 2));
    return;
  }
  process.stderr.write('\n');
  if (rebuiltBecause) console.log(olderFormat ? `the stored index is in an older format, rebuilding (${rebuiltBecause})` : `the stored index was damaged and is rebuilt: ${rebuiltBecause}`);
  console.log(`${args.root}: ${report.files} files, ${report.chunks} chunks (${report.reused} unchanged), ${report.skipped.length} skipped, in ${report.ms.toFixed(0)} ms`);
  for (const s of report.skipped) console.log(`  skipped ${s.file}: ${s.reason}, ${s.detail}`);
  for (const f of report.unreadableFolders) console.log(`  unreadable folder ${f.path}: ${f.reason}`);
  console.log(`index: ${args.store}`);
}

async function query(args: RagArgs, question: string, top: number, json: boolean): Promise<void> {
  await build(args, false);
  const stored = await loadIndex(args.store);
  if (!stored) throw new Error(`${args.root}: the index worker wrote no index to ${args.store}`);
  const { embedder: spec } = args.spec;
  const embedder: Embedder = spec.kind === 'sentence' ? await openSentenceEmbedder(spec.dir) : await openModelEmbedder(spec.dir);
  try {
    if (stored.identity.embedder !== embedder.id) {
      throw new Error(`${args.store}: was built with the embedder ${stored.identity.embedder}, not ${embedder.id}; run "rag index" with the same model`);
    }
    const retrieval = stored.search(question, await embedder.embed(question), top, answerRankingFor(embedder.id));
    const { ranking, reason } = retrieval.answer;
    const chunks = retrieval.fed.map((hit) => ({
      rank: hit.rank,
      file: hit.chunk.file,
      // 1-based, inclusive, as an editor shows them.
      lines: [hit.chunk.startLine + 1, hit.chunk.endLine + 1],
      score: hit.score,
      ranking,
      bm25Rank: hit.bm25Rank,
      denseRank: hit.denseRank,
      title: hit.chunk.title,
      text: hit.chunk.text,
    }));
    if (json) {
      console.log(JSON.stringify({ question, folder: args.root, embedder: embedder.label, ranking, reason, chunks }, null, 2));
      return;
    }
    console.log(`${embedder.label}; the answer is fed by ${reason}`);
    for (const c of chunks) {
      console.log(`${c.rank}. ${c.file}:${c.lines[0]}-${c.lines[1]}  ${ranking} score ${c.score.toFixed(4)}${c.title ? `  ${c.title}` : ''}`);
      console.log(`   ${JSON.stringify(c.text.slice(0, 160))}`);
    }
  } finally {
    await embedder.release();
  }
}

export const ragCommand: CliCommand = {
  summary: 'index a folder for retrieval, or retrieve chunks for a question (the RAG panel\'s index)',
  async run(args) {
    const [action, ...rest] = args;
    const { values } = parseArgs({
      args: rest,
      options: {
        folder: { type: 'string' },
        model: { type: 'string' },
        embedder: { type: 'string' },
        question: { type: 'string' },
        top: { type: 'string', default: '5' },
        storage: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    const top = Number(values.top);
    const usable = (action === 'index' || (action === 'query' && values.question !== undefined)) && values.folder;
    if (values.help || !usable || !Number.isInteger(top) || top < 1) {
      console.log(USAGE);
      if (!values.help) process.exitCode = 2;
      return;
    }
    const parts = partsOf(values);
    if (action === 'index') await index(parts, values.json);
    else await query(parts, values.question as string, top, values.json);
  },
};
