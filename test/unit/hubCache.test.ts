// The Hugging Face cache as Python's huggingface_hub leaves it: the snapshots that hold a model are
// found, with the refs that point at them; other repository kinds, refs/pr and half-downloaded
// snapshots are not offered. Paths and names follow huggingface_hub's layout.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cachedSnapshots } from '../../extension/engine/hub/hubCache';
import { hubCacheDir, hubEndpoint, repoIdOfSnapshot } from '../../extension/engine/hub/hubLocation';
import { looksLikeModelFolder } from '../../extension/engine/modelFolder/looksLikeModelFolder';

const COMMIT = 'a'.repeat(40);
const OLD = 'b'.repeat(40);

/** Writes a snapshot the way huggingface_hub does: files in blobs/, relative links in snapshots/<commit>/. */
function writeSnapshot(cache: string, folder: string, commit: string, files: Record<string, string>): string {
  const root = path.join(cache, folder);
  const snapshot = path.join(root, 'snapshots', commit);
  for (const [name, content] of Object.entries(files)) {
    const blob = path.join(root, 'blobs', `${name.replace(/\W/g, '')}${commit.slice(0, 4)}`);
    fs.mkdirSync(path.dirname(blob), { recursive: true });
    fs.writeFileSync(blob, content);
    const link = path.join(snapshot, name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.relative(path.dirname(link), blob), link);
  }
  return snapshot;
}

describe('Hugging Face cache', () => {
  let cache: string;
  beforeEach(() => {
    cache = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-cache-'));
  });
  afterEach(() => fs.rmSync(cache, { recursive: true, force: true }));

  it('finds the model snapshots huggingface_hub wrote, with the refs that point at them', () => {
    const model = { 'config.json': '{}', 'tokenizer.json': '{}', 'onnx/model_q4.onnx': 'graph' };
    const current = writeSnapshot(cache, 'models--HuggingFaceTB--SmolLM2-135M-Instruct', COMMIT, model);
    writeSnapshot(cache, 'models--HuggingFaceTB--SmolLM2-135M-Instruct', OLD, model);
    // Only config.json fetched so far (hf_hub_download of one file): not a model yet.
    writeSnapshot(cache, 'models--someone--partial', COMMIT, { 'config.json': '{}' });
    writeSnapshot(cache, 'datasets--someone--stories', COMMIT, model);
    const refs = path.join(cache, 'models--HuggingFaceTB--SmolLM2-135M-Instruct', 'refs');
    fs.mkdirSync(path.join(refs, 'pr'), { recursive: true });
    fs.writeFileSync(path.join(refs, 'main'), COMMIT);
    fs.writeFileSync(path.join(refs, 'pr', '1'), OLD);

    const found = cachedSnapshots(cache, looksLikeModelFolder);
    assert.deepEqual(
      found.map((s) => [s.repo, s.commit, s.refs]),
      [
        ['HuggingFaceTB/SmolLM2-135M-Instruct', COMMIT, ['main']],
        ['HuggingFaceTB/SmolLM2-135M-Instruct', OLD, []],
      ],
    );
    assert.equal(repoIdOfSnapshot(current), 'HuggingFaceTB/SmolLM2-135M-Instruct');
    assert.equal(repoIdOfSnapshot(cache), undefined);
  });

  it('resolves the cache and the endpoint from the environment as huggingface_hub does', () => {
    assert.equal(hubCacheDir({ HF_HUB_CACHE: '/a', HF_HOME: '/b' }), '/a');
    assert.equal(hubCacheDir({ HF_HOME: '/b', XDG_CACHE_HOME: '/c' }), path.join('/b', 'hub'));
    assert.equal(hubCacheDir({ XDG_CACHE_HOME: '/c' }), path.join('/c', 'huggingface', 'hub'));
    assert.equal(hubCacheDir({}), path.join(os.homedir(), '.cache', 'huggingface', 'hub'));
    assert.equal(hubEndpoint({}), 'https://huggingface.co');
    assert.equal(hubEndpoint({ HF_ENDPOINT: 'https://hf-mirror.com/' }), 'https://hf-mirror.com');
  });
});
