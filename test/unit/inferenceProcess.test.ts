// The inference process (engine/inference): a model folder's inspector and decode graph opened in
// a child process answer exactly as the same parts opened in this thread; a process killed in the
// middle of a forward pass (as a native crash in ONNX Runtime would) fails that request with a
// message, and the next request starts a fresh process, opens the part there again and rebuilds
// the generation's KV cache, so the generation goes on with the same logits.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { InferenceHost } from '../../extension/engine/inference/inferenceHost';
import type { KVCache } from '../../extension/engine/model/languageModel';
import { readGPT2Weights } from '../../extension/engine/modelFolder/gpt2Weights';
import { readModelFolder } from '../../extension/engine/modelFolder/readModelFolder';
import { openGPT2Inspector } from '../../extension/engine/runtime/inspection';
import { openLanguageModel } from '../../extension/engine/runtime/openModelFolder';
import { writeTinyModel } from './attentionModelFixture';
import { makeTempDir, removeTempDir } from './modelFolderFixtures';
import { tsxWorkerScript } from './workerShim';

describe('inference process', function () {
  this.timeout(120_000);
  let dir: string;
  let model: string;
  let host: InferenceHost;
  before(() => {
    dir = makeTempDir('inference-process');
    model = path.join(dir, 'tiny');
    writeTinyModel(model);
    host = new InferenceHost(tsxWorkerScript(dir, 'inferenceWorker', 'extension/engine/inference/inferenceWorker.ts'));
  });
  after(() => {
    host.dispose();
    removeTempDir(dir);
  });

  it('an inspector in the process gives the attentions, hidden states and logit lens of one opened here', async () => {
    const folder = readModelFolder(model);
    const gpt = folder.gpt2!.gpt;
    const local = await openGPT2Inspector(gpt, readGPT2Weights(folder.safetensorsFile!, gpt), { logitLens: true });
    const remote = await host.openInspector(model);
    const tokens = [1, 5, 9, 2, 7];
    const [here, there] = [await local.run(tokens), await remote.run(tokens)];
    assert.equal(remote.vocabSize, local.vocabSize);
    assert.equal(remote.contextLength, local.contextLength);
    assert.deepEqual(there.logits, here.logits);
    assert.deepEqual(there.attentions, here.attentions);
    assert.deepEqual(there.logitLens, here.logitLens);
    await Promise.all([local.release(), remote.release()]);
  });

  it('a decode graph in the process continues from its KV cache like one opened here', async () => {
    const local = await openLanguageModel(readModelFolder(model));
    const remote = await host.openLanguageModel(model);
    let [hereCache, thereCache]: [KVCache | undefined, KVCache | undefined] = [undefined, undefined];
    for (const step of [[3, 4, 5], [6], [7]]) {
      const here = await local.forward(step, hereCache);
      const there = await remote.forward(step, thereCache);
      assert.deepEqual(there.logits, here.logits);
      assert.equal(there.cache.length, here.cache.length);
      [hereCache, thereCache] = [here.cache, there.cache];
    }
    await Promise.all([local.release(), remote.release()]);
  });

  it('killed mid-forward: that request fails with a message, the next one runs in a fresh process and continues the generation', async () => {
    const local = await openLanguageModel(readModelFolder(model));
    const expected = await local.forward([4], (await local.forward([1, 2, 3])).cache);
    const lm = await host.openLanguageModel(model);
    const first = await lm.forward([1, 2, 3]);
    const pid = host.pid;
    assert.ok(pid);
    // Frozen first, so that the forward pass is surely in flight when the process dies.
    process.kill(pid, 'SIGSTOP');
    const pending = lm.forward([4], first.cache);
    await new Promise((resolve) => setTimeout(resolve, 100));
    process.kill(pid, 'SIGKILL');
    await assert.rejects(pending, /the inference process \(ONNX Runtime\) was killed by SIGKILL; the next request starts a new one/);
    // The cache lived in the dead process: the new one rebuilds it from its tokens.
    const continued = await lm.forward([4], first.cache);
    assert.notEqual(host.pid, pid);
    assert.deepEqual(continued.logits, expected.logits);
    assert.equal(continued.cache.length, 4);
    await Promise.all([lm.release(), local.release()]);
  });
});
