// Downloads a model the engine can run: lists the repository, reads its config.json first, picks
// the files the engine needs (modelFiles.ts), refuses a model that will not fit in memory
// (memoryGuard.ts) or whose safetensors the engine cannot build graphs from, fetches the rest, and checks the snapshot opens as a model folder.
import type { LlamaConfig } from '../llama/config';
import { isLlamaModelType, parseLlamaConfig } from '../llama/configJson';
import { builtGraphTooLarge } from '../llama/graphSize';
import { ModelFolderError } from '../modelFolder/folderError';
import { readJsonObject, type JsonObject } from '../modelFolder/jsonFile';
import { readModelFolder } from '../modelFolder/readModelFolder';
import { blobPath } from './hubCache';
import { HubError } from './hubError';
import { checkRepoId } from './hubLocation';
import { etagOf, fetchBlob } from './fetchBlob';
import { type DownloadedSnapshot, fetchSnapshot, type HubOptions, hubContext } from './downloadSnapshot';
import { checkMemory, estimateServingMemory, type MemoryEstimate } from './memoryGuard';
import { chooseModelFiles, type DecodeGraphName } from './modelFiles';
import { listRepoFiles } from './repoFiles';

export interface DownloadModelOptions extends HubOptions {
  readonly revision?: string;
  /** The ONNX variant to fetch when the model runs from a decode graph (default: the first present, full precision first). */
  readonly preferredGraph?: DecodeGraphName;
  /** Fetch a Llama-family model's safetensors even where the repository has an ONNX export, so the engine builds every graph (the curated models). */
  readonly preferSafetensors?: boolean;
  /** The memory the model must fit in; default: the machine's total memory. */
  readonly memoryBytes?: number;
}

export interface DownloadedModel extends DownloadedSnapshot {
  /** The weights fetched: "model.safetensors" or the decode graph's path. */
  readonly weights: string;
  readonly memory: MemoryEstimate;
}

export async function downloadModel(repo: string, options: DownloadModelOptions = {}): Promise<DownloadedModel> {
  checkRepoId(repo);
  const context = hubContext(options);
  const revision = options.revision ?? 'main';
  const listing = await listRepoFiles(context.endpoint, repo, revision, context.request);

  const configFile = listing.files.find((file) => file.path === 'config.json');
  if (!configFile) throw new HubError(repo, 'has no config.json; the engine needs it to know the architecture', { file: 'config.json' });
  const configBlob = blobPath(context.cacheDir, repo, etagOf(configFile));
  await fetchBlob({ endpoint: context.endpoint, repo, commit: listing.commit, file: configFile, blob: configBlob, onBytes: () => {} }, context.request);
  const config = readJsonObject(configBlob, `${repo}/config.json`);
  const modelType = typeof config.model_type === 'string' ? config.model_type : '';
  if (!modelType) throw new HubError(repo, 'has no model_type', { file: 'config.json' });

  const choice = chooseModelFiles(listing, modelType, options.preferredGraph, options.preferSafetensors);
  if (isLlamaModelType(modelType) && !choice.weights.endsWith('.onnx')) checkBuildable(repo, config);
  const memory = estimateServingMemory(config, choice);
  checkMemory(repo, memory, choice.dtype, options.memoryBytes);

  const snapshot = await fetchSnapshot(context, listing, revision, choice.files);
  try {
    readModelFolder(snapshot.dir);
  } catch (error) {
    throw new HubError(repo, `was downloaded to ${snapshot.dir} but the engine cannot open it: ${(error as Error).message}`);
  }
  return { ...snapshot, weights: choice.weights, memory };
}

/** Safetensors the engine will build graphs from: refused before any weights are fetched when it cannot. */
function checkBuildable(repo: string, config: JsonObject): void {
  let llama: LlamaConfig;
  try {
    llama = parseLlamaConfig(config);
  } catch (error) {
    if (error instanceof ModelFolderError) throw new HubError(repo, error.message);
    throw error;
  }
  const tooLarge = builtGraphTooLarge(llama);
  if (tooLarge) throw new HubError(repo, tooLarge, { file: 'config.json' });
}
