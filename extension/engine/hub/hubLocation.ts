// Where the Hub is and where its files go, resolved the way Python's huggingface_hub resolves
// them, so that both programs share one cache:
//   endpoint  HF_ENDPOINT, else https://huggingface.co
//   cache     HF_HUB_CACHE, else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub,
//             else ~/.cache/huggingface/hub
//   token     HF_TOKEN, else the file $HF_HOME/token that `huggingface-cli login` writes
// Inside the cache, repository "org/name" lives in models--org--name/.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const DEFAULT_ENDPOINT = 'https://huggingface.co';

type Env = Readonly<Record<string, string | undefined>>;

export function hubEndpoint(env: Env = process.env): string {
  return (env.HF_ENDPOINT?.trim() || DEFAULT_ENDPOINT).replace(/\/+$/, '');
}

function hfHome(env: Env): string {
  const xdg = env.XDG_CACHE_HOME?.trim() || path.join(os.homedir(), '.cache');
  return env.HF_HOME?.trim() || path.join(xdg, 'huggingface');
}

export function hubCacheDir(env: Env = process.env): string {
  return env.HF_HUB_CACHE?.trim() || path.join(hfHome(env), 'hub');
}

/** The token for gated and private repositories that the environment provides, if any. */
export function environmentToken(env: Env = process.env): string | undefined {
  const fromEnv = env.HF_TOKEN?.trim();
  if (fromEnv) return fromEnv;
  try {
    return fs.readFileSync(path.join(hfHome(env), 'token'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** "org/name" (letters, digits, '-', '_', '.'), or a bare "name" as old repositories like gpt2 have. */
const REPO_ID = /^(?:[A-Za-z0-9][\w.-]{0,95}\/)?[A-Za-z0-9][\w.-]{0,95}$/;

export function checkRepoId(repo: string): void {
  if (!REPO_ID.test(repo) || repo.includes('..') || repo.endsWith('.git')) {
    throw new Error(`"${repo}" is not a Hugging Face repository id (expected org/name, e.g. HuggingFaceTB/SmolLM2-135M-Instruct)`);
  }
}

/** models--org--name: the folder huggingface_hub gives a model repository. */
export function repoFolderName(repo: string): string {
  return `models--${repo.split('/').join('--')}`;
}

/** The inverse of repoFolderName, or undefined for a folder that is not a model repository. */
export function repoIdOfFolder(folder: string): string | undefined {
  if (!folder.startsWith('models--')) return undefined;
  return folder.slice('models--'.length).split('--').join('/');
}

/** "org/name" for a folder <cache>/models--org--name/snapshots/<commit>, else undefined. */
export function repoIdOfSnapshot(dir: string): string | undefined {
  const parts = path.resolve(dir).split(path.sep);
  return parts.at(-2) === 'snapshots' ? repoIdOfFolder(parts.at(-3) ?? '') : undefined;
}
