// `npm run cli -- download` against the fake hub, then `generate --greedy --json` on the folder it
// printed: the continuation must be the one the TypeScript reference forward pass picks.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { downloadCommand } from '../../extension/engine/cli/download';
import { generateCommand } from '../../extension/engine/cli/generate';
import { referenceForward } from '../../extension/engine/gpt/referenceForward';
import { readGPT2Weights } from '../../extension/engine/modelFolder/gpt2Weights';
import { readModelFolder } from '../../extension/engine/modelFolder/readModelFolder';
import { FakeHub, repoFromFolder } from '../fixtures/hub/fakeHub';
import { printed } from './cliOutput';

const BUNDLED = path.join(__dirname, '..', '..', 'models', 'tinystories-1m');
const REPO = 'llm-pipeline-lab/tinystories-1m';

describe('cli download and generate --json', () => {
  let hub: FakeHub;
  let cacheDir: string;
  const saved = { endpoint: process.env.HF_ENDPOINT, cache: process.env.HF_HUB_CACHE };
  before(async () => {
    hub = await FakeHub.start([repoFromFolder(REPO, BUNDLED)]);
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-cli-'));
    process.env.HF_ENDPOINT = hub.url;
    process.env.HF_HUB_CACHE = cacheDir;
  });
  after(async () => {
    for (const [name, value] of [['HF_ENDPOINT', saved.endpoint], ['HF_HUB_CACHE', saved.cache]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await hub.close();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it('downloads from HF_ENDPOINT into HF_HUB_CACHE, prints the snapshot folder, and generates greedily from it', async () => {
    const dir = await printed(() => downloadCommand.run([REPO]));
    assert.equal(dir, path.join(cacheDir, 'models--llm-pipeline-lab--tinystories-1m', 'snapshots', hub.commitOf(REPO)));

    const json = JSON.parse(await printed(() => generateCommand.run(['--model', dir, '--prompt', 'Once upon a time', '--greedy', '--max-new-tokens', '6', '--json'])));
    assert.deepEqual(Object.keys(json), ['prompt_ids', 'generated_ids', 'text']);
    assert.ok(json.prompt_ids.length > 0);

    // The reference forward pass (plain TypeScript loops over the same weights) picks the same tokens.
    const { gpt } = readModelFolder(dir).gpt2 ?? assert.fail('not a GPT-2 folder');
    const weights = readGPT2Weights(path.join(dir, 'model.safetensors'), gpt);
    const tokens = [...json.prompt_ids];
    const expected: number[] = [];
    for (let step = 0; step < 6; step++) {
      const logits = referenceForward(gpt, weights, tokens).logits.subarray((tokens.length - 1) * gpt.vocab_size);
      let best = 0;
      for (let v = 1; v < logits.length; v++) if (logits[v] > logits[best]) best = v;
      expected.push(best);
      tokens.push(best);
      if (best === 4095) break;
    }
    assert.deepEqual(json.generated_ids, expected);
    assert.equal(typeof json.text, 'string');
    assert.ok(json.text.length > 0);
  });

  it('refuses an --onnx name that is not a decode graph variant, and a malformed repository id', async () => {
    await assert.rejects(downloadCommand.run([REPO, '--onnx', 'model.gguf']), /--onnx must be one of model\.onnx, /);
    await assert.rejects(downloadCommand.run(['../etc/passwd']), /"\.\.\/etc\/passwd" is not a Hugging Face repository id/);
  });
});
