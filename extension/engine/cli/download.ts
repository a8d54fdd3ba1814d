// `download`: fetch a model from the Hugging Face Hub into the Hugging Face cache, with the same
// endpoint (HF_ENDPOINT), cache (HF_HUB_CACHE / HF_HOME), token (HF_TOKEN or huggingface-cli's
// token file), checks and resume as the editor's command; prints the snapshot folder.
//   npm run cli -- download HuggingFaceTB/SmolLM2-135M-Instruct                      (safetensors: every inspector)
//   npm run cli -- download HuggingFaceTB/SmolLM2-135M-Instruct --onnx model_int8.onnx (its ONNX export)
//   npm run cli -- generate --model "$(npm run -s cli -- download openai-community/gpt2)" --prompt Hi
//   npm run cli -- rag query --folder docs --question "..." --embedder "$(npm run -s cli -- download sentence-transformers/all-MiniLM-L6-v2 --embedder)"
import { parseArgs } from 'node:util';
import { CURATED_MODELS } from '../hub/curatedModels';
import { downloadModel } from '../hub/downloadModel';
import { downloadSentenceModel } from '../hub/downloadSentenceModel';
import { type DownloadProgress, megabytes } from '../hub/downloadSnapshot';
import { DECODE_GRAPH_NAMES } from '../modelFolder/readModelFolder';
import type { DecodeGraphName } from '../hub/modelFiles';
import type { CliCommand } from './main';

const USAGE = `usage: npm run cli -- download <org/name> [options]
  --revision REV   branch, tag or commit (default main)
  --onnx NAME      the decode graph to fetch when the model runs from ONNX: ${DECODE_GRAPH_NAMES.join(', ')}
                   (default: the first the repository has, in that order)
  --safetensors    a Llama, Mistral or Qwen2: fetch the safetensors even where the repository has an
                   ONNX export, so the engine builds every graph (the default for the curated
                   models: ${CURATED_MODELS.map((m) => m.repo).join(', ')})
  --embedder       a sentence-embedding model for RAG: tokenizer files and the first of
                   onnx/model.onnx, model_quantized.onnx, … (not a model the engine generates with)
  --json           print {"dir", "repo", "commit", "weights", "files", "memory_bytes"}
                   (with --embedder: {"dir", "repo", "commit", "weights", "files"})
environment: HF_ENDPOINT, HF_HUB_CACHE, HF_HOME, HF_TOKEN, HTTPS_PROXY`;

export const downloadCommand: CliCommand = {
  summary: 'download a model from the Hugging Face Hub into its cache; prints the folder',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        revision: { type: 'string' },
        onnx: { type: 'string' },
        safetensors: { type: 'boolean', default: false },
        embedder: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    const repo = positionals[0];
    if (values.help || !repo || positionals.length > 1) {
      console.log(USAGE);
      if (!values.help) process.exitCode = 2;
      return;
    }
    const graph = values.onnx;
    if (graph !== undefined && !(DECODE_GRAPH_NAMES as readonly string[]).includes(graph)) {
      throw new Error(`--onnx must be one of ${DECODE_GRAPH_NAMES.join(', ')}, got "${graph}"`);
    }
    const controller = new AbortController();
    const cancel = () => controller.abort();
    process.once('SIGINT', cancel);
    let shown = '';
    const options = {
      revision: values.revision,
      proxy: process.env.HTTPS_PROXY ?? process.env.https_proxy,
      signal: controller.signal,
      onProgress: (p: DownloadProgress) => {
        const line = `${p.file} (${p.fileIndex + 1}/${p.fileCount}): ${megabytes(p.bytes)} of ${megabytes(p.totalBytes)}`;
        // One line per tenth, not per chunk.
        const tenth = `${p.file}:${Math.floor((10 * p.bytes) / Math.max(p.totalBytes, 1))}`;
        if (tenth !== shown) console.error(line);
        shown = tenth;
      },
    };
    if (values.embedder) {
      const sentence = await downloadSentenceModel(repo, options).finally(() => process.off('SIGINT', cancel));
      if (values.json) console.log(JSON.stringify({ dir: sentence.dir, repo: sentence.repo, commit: sentence.commit, weights: sentence.graph, files: sentence.files.map((f) => f.path) }));
      else console.log(sentence.dir);
      return;
    }
    if (graph !== undefined && values.safetensors) throw new Error('--onnx and --safetensors exclude each other');
    const preferSafetensors = values.safetensors || (graph === undefined && CURATED_MODELS.some((m) => m.repo === repo));
    const result = await downloadModel(repo, { ...options, preferredGraph: graph as DecodeGraphName | undefined, preferSafetensors }).finally(() => process.off('SIGINT', cancel));
    if (values.json) {
      console.log(JSON.stringify({ dir: result.dir, repo: result.repo, commit: result.commit, weights: result.weights, files: result.files.map((f) => f.path), memory_bytes: result.memory.total }));
      return;
    }
    console.error(`${result.repo} at ${result.commit}: ${result.weights}; serving needs about ${megabytes(result.memory.total)}`);
    console.log(result.dir);
  },
};
