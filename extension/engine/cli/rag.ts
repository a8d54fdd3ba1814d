// `rag index` and `rag query`: index a folder and retrieve from it outside VS Code, with the same
// walker, reader, limits and on-disk index as the RAG panel. Indexing runs in the index worker
// process (dist/ragWorker.js) exactly as the extension runs it; a query loads the stored index and
// embeds the question here.
//   npm run cli -- rag index --folder docs --model models/tinystories-1m
//   npm run cli -- rag query --folder docs --model models/tinystories-1m --question "When are tides highest?" --json
// The index lives in <storage>/rag/<hash of the folder's path>; point --storage at the
// extension's global storage folder to share the panel's index.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Embedder } from '../rag/embedder';
import type { EmbedderSpec, IndexPartsSpec } from '../rag/indexJobs';
import { DEFAULT_INDEX_SETTINGS, fittedIndexSettings } from '../rag/indexSettings';
import { indexFolderFor, loadIndex } from '../rag/indexStore';
import { IndexWorkerHost } from '../rag/indexWorkerHost';
import { openModelEmbedder } from '../rag/modelEmbedder';
import { openSentenceEmbedder } from '../rag/sentenceEmbedder';
import { readModelFolder } from '../modelFolder/readModelFolder';
import { workerScript } from '../workers/workerScript';
import type { CliCommand } from './main';

const USAGE = `usage: npm run cli -- rag index --folder <path> --model <folder> [options]
       npm run cli -- rag query --folder <path> --model <folder> --question "..." [options]
  --folder PATH          the folder to index or ask
  --model DIR            the model folder whose tokenizer counts the chunks (and whose hidden states embed them)
  --embedding-model DIR  a sentence-embedding model folder to embed with instead (llmPipeline.rag.embeddingModel)
  --question TEXT        (query) what to retrieve for
  --top N                (query) how many fused chunks to show (default 5)
  --storage DIR          where indexes are kept (default: ~/.cache/llm-pipeline-lab)
  --json                 print the report or the retrieval as JSON`;

const DEFAULT_STORAGE = path.join(os.homedir(), '.cache', 'llm-pipeline-lab');

interface RagArgs {
  readonly root: string;
  readonly store: string;
  readonly spec: IndexPartsSpec;
}

function partsOf(values: { folder?: string; model?: string; 'embedding-model'?: string; storage?: string }): RagArgs {
  const root = path.resolve(values.folder as string);
  if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${values.folder}: is not a folder`);
  const modelDir = path.resolve(values.model as string);
  const model = readModelFolder(modelDir);
  const embedder: EmbedderSpec = values['embedding-model'] ? { kind: 'sentence', dir: path.resolve(values['embedding-model']) } : { kind: 'model', dir: modelDir };
  const settings = fittedIndexSettings(DEFAULT_INDEX_SETTINGS, model.config.contextLength);
  return { root, store: indexFolderFor(values.storage ?? DEFAULT_STORAGE, root), spec: { tokenizerDir: modelDir, embedder, settings } };
}

async function index(args: RagArgs, json: boolean): Promise<void> {
  const host = new IndexWorkerHost(workerScript('ragWorker', 'rag/indexWorker.ts'));
  try {
    const { report, rebuiltBecause } = await host.build(args.root, args.store, args.spec, {
      onProgress: ({ done, total }) => !json && process.stderr.write(`\r${done}/${total} files`),
    });
    if (json) {
      console.log(JSON.stringify({ folder: args.root, store: args.store, ...report, rebuiltBecause }, null, 2));
      return;
    }
    process.stderr.write('\n');
    if (rebuiltBecause) console.log(`the stored index was rebuilt: ${rebuiltBecause}`);
    console.log(`${args.root}: ${report.files} files, ${report.chunks} chunks (${report.reused} unchanged), ${report.skipped.length} skipped, in ${report.ms.toFixed(0)} ms`);
    for (const s of report.skipped) console.log(`  skipped ${s.file}: ${s.reason}, ${s.detail}`);
    for (const f of report.unreadableFolders) console.log(`  unreadable folder ${f.path}: ${f.reason}`);
    console.log(`index: ${args.store}`);
  } finally {
    host.dispose();
  }
}

async function query(args: RagArgs, question: string, top: number, json: boolean): Promise<void> {
  const stored = await loadIndex(args.store);
  if (!stored) throw new Error(`${args.root}: has no index in ${args.store}; run "rag index" first`);
  const { embedder: spec } = args.spec;
  const embedder: Embedder = spec.kind === 'sentence' ? await openSentenceEmbedder(spec.dir) : await openModelEmbedder(spec.dir);
  try {
    if (stored.identity.embedder !== embedder.id) {
      throw new Error(`${args.store}: was built with the embedder ${stored.identity.embedder}, not ${embedder.id}; run "rag index" with the same model`);
    }
    const retrieval = stored.search(question, await embedder.embed(question), top);
    if (json) {
      console.log(JSON.stringify(retrieval, null, 2));
      return;
    }
    for (const hit of retrieval.fused) {
      const { chunk } = hit;
      const ranks = `bm25 ${hit.bm25Rank ?? '-'}, dense ${hit.denseRank ?? '-'}`;
      console.log(`${hit.rank}. ${chunk.file}:${chunk.startLine + 1}-${chunk.endLine + 1}  score ${hit.score.toFixed(4)} (${ranks})${chunk.title ? `  ${chunk.title}` : ''}`);
      console.log(`   ${JSON.stringify(chunk.text.slice(0, 160))}`);
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
        'embedding-model': { type: 'string' },
        question: { type: 'string' },
        top: { type: 'string', default: '5' },
        storage: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    const top = Number(values.top);
    const usable = (action === 'index' || (action === 'query' && values.question !== undefined)) && values.folder && values.model;
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
