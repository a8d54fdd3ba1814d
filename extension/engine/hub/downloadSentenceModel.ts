// Downloads a sentence-embedding model for RAG into the Hugging Face cache: the tokenizer files and
// one ONNX graph, the first of SENTENCE_GRAPH_NAMES (sentenceEmbedder.ts) the repository has, with
// its external-data files; the PyTorch, safetensors, OpenVINO and other ONNX variants stay on the
// Hub. The snapshot is checked to open as a sentence-model folder before it is returned.
//   const { dir } = await downloadSentenceModel(SUGGESTED_SENTENCE_MODEL.repo, { onProgress, signal });
import { sentenceModelFolder } from '../rag/embedderFolder';
import { SENTENCE_GRAPH_NAMES } from '../rag/sentenceEmbedder';
import { type DownloadedSnapshot, fetchSnapshot, type HubOptions, hubContext } from './downloadSnapshot';
import { HubError } from './hubError';
import { checkRepoId } from './hubLocation';
import { listRepoFiles, type RepoFile, type RepoListing } from './repoFiles';

/**
 * The model offered in one click: all-MiniLM-L6-v2 (Apache-2.0), 23 M parameters, 384-wide
 * vectors. On the rag-quality benchmark it puts the answering file first for 97% of the questions
 * (dense), against 53% for BM25 (walkthroughs/step-5). Its repository holds onnx/model.onnx,
 * 90.4 MB in float32, exported by the sentence-transformers team.
 */
export const SUGGESTED_SENTENCE_MODEL = { repo: 'sentence-transformers/all-MiniLM-L6-v2', downloadMB: 91, parameters: '23 M' } as const;

/** Read by the tokenizer loader and the embedder besides the graph; only tokenizer.json is required. */
const TEXT_FILES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'config.json'];

export interface DownloadedSentenceModel extends DownloadedSnapshot {
  /** The graph fetched, repository-relative ("onnx/model.onnx"). */
  readonly graph: string;
}

/** The files of `listing` a sentence embedder needs; throws naming what the repository lacks. */
export function chooseSentenceModelFiles(listing: RepoListing): { files: RepoFile[]; graph: string } {
  const byPath = new Map(listing.files.map((file) => [file.path, file]));
  if (!byPath.has('tokenizer.json')) throw new HubError(listing.repo, 'has no tokenizer.json; a sentence embedder needs it beside the graph', { file: 'tokenizer.json' });
  const graph = SENTENCE_GRAPH_NAMES.flatMap((name) => [`onnx/${name}`, name]).find((name) => byPath.has(name));
  if (!graph) {
    throw new HubError(listing.repo, `has none of ${SENTENCE_GRAPH_NAMES.map((n) => `onnx/${n}`).join(', ')}: it is not a sentence-embedding model in the ONNX layout`);
  }
  // ONNX keeps large weights in files named after the graph: model_q4.onnx_data, model.onnx_data_1, …
  const externalData = listing.files.filter((file) => file.path.startsWith(`${graph}_data`));
  const text = TEXT_FILES.flatMap((name) => byPath.get(name) ?? []);
  return { files: [...text, byPath.get(graph) as RepoFile, ...externalData], graph };
}

export async function downloadSentenceModel(repo: string, options: HubOptions & { readonly revision?: string } = {}): Promise<DownloadedSentenceModel> {
  checkRepoId(repo);
  const context = hubContext(options);
  const revision = options.revision ?? 'main';
  const listing = await listRepoFiles(context.endpoint, repo, revision, context.request);
  const { files, graph } = chooseSentenceModelFiles(listing);
  const snapshot = await fetchSnapshot(context, listing, revision, files);
  try {
    sentenceModelFolder(snapshot.dir);
  } catch (error) {
    throw new HubError(repo, `was downloaded to ${snapshot.dir} but is not a sentence-embedding model folder: ${(error as Error).message}`);
  }
  return { ...snapshot, graph };
}
