// Where a sentence-embedding model folder may come from: any folder in the Hugging Face ONNX
// layout, or one the Hugging Face tools already downloaded into their cache,
//   <hub>/models--<org>--<name>/snapshots/<commit>/   (refs/main names the current commit)
// with <hub> = $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub. A cache entry's
// own folder (models--org--name) is accepted too and stands for its current snapshot.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findSentenceModelGraph, sentenceModelName } from './sentenceEmbedder';

export interface CachedModel {
  /** "org/name", as the Hub names it. */
  readonly name: string;
  /** The snapshot folder to open. */
  readonly dir: string;
}

export function hubCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE;
  if (env.HF_HOME) return path.join(env.HF_HOME, 'hub');
  return path.join(os.homedir(), '.cache', 'huggingface', 'hub');
}

function isDirectory(dir: string): boolean {
  return fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/** A cache entry's current snapshot: the one refs/main names, else the only (or newest) one. */
function currentSnapshot(repoDir: string): string | undefined {
  const snapshots = path.join(repoDir, 'snapshots');
  const ref = path.join(repoDir, 'refs', 'main');
  const named = fs.existsSync(ref) ? path.join(snapshots, fs.readFileSync(ref, 'utf8').trim()) : undefined;
  if (named && isDirectory(named)) return named;
  const all = fs.existsSync(snapshots) ? fs.readdirSync(snapshots).map((s) => path.join(snapshots, s)).filter(isDirectory) : [];
  return all.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
}

/** The folder to open for `dir`: itself, or a cache entry's current snapshot; throws naming what is missing. */
export function sentenceModelFolder(dir: string): string {
  const resolved = path.resolve(dir);
  if (!isDirectory(resolved)) throw new Error(`${dir}: is not a folder`);
  const folder = isDirectory(path.join(resolved, 'snapshots')) ? currentSnapshot(resolved) : resolved;
  if (!folder) throw new Error(`${dir}: a Hugging Face cache entry with no snapshot in it`);
  if (!fs.existsSync(path.join(folder, 'tokenizer.json'))) throw new Error(`${folder}: has no tokenizer.json, so it is not a sentence-embedding model folder`);
  findSentenceModelGraph(folder);
  return folder;
}

/** The sentence-embedding models in the Hugging Face cache: entries whose current snapshot holds a tokenizer and an ONNX graph. */
export function cachedSentenceModels(hub = hubCacheDir()): CachedModel[] {
  let names: string[];
  try {
    names = fs.readdirSync(hub).filter((n) => n.startsWith('models--')).sort();
  } catch {
    return [];
  }
  const found: CachedModel[] = [];
  for (const entry of names) {
    try {
      const dir = sentenceModelFolder(path.join(hub, entry));
      found.push({ name: sentenceModelName(dir), dir });
    } catch {
      // Not a sentence-embedding model in the ONNX layout (a PyTorch-only download, say): not offered.
    }
  }
  return found;
}
