// The inference process (engine/inference): a model folder's inspector and decode graph opened in
// a child process answer exactly as the same parts opened in this thread; a process killed in the
// middle of a forward pass (as a native crash in ONNX Runtime would) fails that request with a
// message, and the next request starts a fresh process, opens the part there again and rebuilds
// the generation's KV cache, so the generation goes on with the same logits. Every request can be
// cancelled: one waiting its turn is skipped, one still running after a grace period gets the
// process restarted.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { generateStream } from '../../extension/engine/generate/generate';
import { InferenceHost } from '../../extension/engine/inference/inferenceHost';
import type { KVCache } from '../../extension/engine/model/languageModel';
import { readGPT2Weights } from '../../extension/engine/modelFolder/gpt2Weights';
import { readModelFolder } from '../../extension/engine/modelFolder/readModelFolder';
import { openGPT2Inspector } from '../../extension/engine/runtime/inspection';
import { openLanguageModel } from '../../extension/engine/runtime/openModelFolder';
import { type BackendReport, ORT_BACKEND_ENV } from '../../extension/engine/runtime/ortBackend';
import { LENS_TOP_K, topTokens } from '../../extension/engine/runtime/topTokens';
import { writeTinyModel } from './attentionModelFixture';
import { makeTempDir, removeTempDir } from './modelFolderFixtures';
import { tsxWorkerScript } from './workerShim';

/** Lets forward() calls made just now send their requests (they first await their part's handle). */
const sent = () => new Promise((resolve) => setImmediate(resolve));

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

  it('an inspector in the process gives the attentions and logit lens of one opened here', async () => {
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
    // The process sends each lens cell's few most likely tokens, not the [T, vocab] lens: what cutting this one's gives.
    // (The graph's TopK of its softmax against topTokens here: the same ids, probabilities to float32 rounding.)
    assert.deepEqual(there.logitLens, []);
    assert.equal(there.logitLensTop?.length, gpt.n_layer + 1);
    here.logitLens.forEach((lens, j) => {
      const expected = topTokens(lens, tokens.length, local.vocabSize, LENS_TOP_K);
      const got = there.logitLensTop?.[j];
      assert.equal(got?.k, LENS_TOP_K);
      assert.deepEqual(got?.ids, expected.ids);
      assert.ok(got?.probs.every((p, i) => Math.abs(p - expected.probs[i]) < 1e-6), `stream ${j}: ${got?.probs} against ${expected.probs}`);
    });
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

  it('a request cancelled before its turn fails at once with an AbortError and is skipped: the requests around it answer, the process stays', async () => {
    const lm = await host.openLanguageModel(model);
    const first = await lm.forward([1, 2, 3]);
    const pid = host.pid;
    assert.ok(pid);
    // Frozen, so that both requests wait in the process's queue when one is cancelled.
    process.kill(pid, 'SIGSTOP');
    const before = lm.forward([4], first.cache);
    const cancel = new AbortController();
    const cancelled = lm.forward([5], first.cache, cancel.signal);
    await sent();
    cancel.abort();
    await assert.rejects(cancelled, (error: Error) => error.name === 'AbortError' && /cancelled/.test(error.message));
    process.kill(pid, 'SIGCONT');
    const answered = await before;
    const after = await lm.forward([6], first.cache);
    assert.equal(host.pid, pid, 'the process was not restarted');
    // Every forward pass run makes the next cache number: the skipped one made none.
    assert.equal((after.cache as unknown as { id: number }).id, (answered.cache as unknown as { id: number }).id + 1);
    await lm.release();
  });

  it('a cancelled request still running after the grace period gets the process restarted; the next request works', async () => {
    const quick = new InferenceHost(tsxWorkerScript(dir, 'inferenceWorker', 'extension/engine/inference/inferenceWorker.ts'), 300);
    try {
      const local = await openLanguageModel(readModelFolder(model));
      const expected = await local.forward([1, 2, 3]);
      const lm = await quick.openLanguageModel(model);
      await lm.forward([9]);
      const pid = quick.pid;
      assert.ok(pid);
      // A run that does not end (the process frozen inside it, as a long ONNX Runtime run would be).
      process.kill(pid, 'SIGSTOP');
      const cancel = new AbortController();
      const stuck = lm.forward([1, 2, 3], undefined, cancel.signal);
      const behind = lm.forward([7]);
      await sent();
      cancel.abort();
      await assert.rejects(stuck, { name: 'AbortError' });
      await assert.rejects(behind, /the inference process \(ONNX Runtime\) was restarted: a cancelled request was still running after 0\.3 s/);
      const again = await lm.forward([1, 2, 3]);
      assert.notEqual(quick.pid, pid);
      assert.deepEqual(again.logits, expected.logits);
      await Promise.all([lm.release(), local.release()]);
    } finally {
      quick.dispose();
    }
  });

  it('a generation stopped while its step runs in the process ends at once as aborted, with the tokens generated so far', async () => {
    const lm = await host.openLanguageModel(model);
    const stop = new AbortController();
    const stream = generateStream(lm, [1, 2, 3], { sampler: { temperature: 0 }, maxNewTokens: 50, signal: stop.signal });
    const firstStep = await stream.next();
    assert.equal(firstStep.done, false);
    const pid = host.pid;
    assert.ok(pid);
    // The next step's forward pass waits in a frozen process: stopping must not wait for it.
    process.kill(pid, 'SIGSTOP');
    const next = stream.next();
    await new Promise((resolve) => setTimeout(resolve, 100));
    stop.abort();
    const end = await next;
    process.kill(pid, 'SIGCONT');
    assert.equal(end.done, true);
    assert.equal(end.value.finishReason, 'aborted');
    assert.equal(end.value.tokens.length, 1);
    await lm.release();
  });

  it('each process reports its ONNX Runtime backend once; restarted with the backend variable set to webassembly, a part opens again on it with the same logits', async () => {
    const reports: BackendReport[] = [];
    const reporting = new InferenceHost(tsxWorkerScript(dir, 'inferenceWorker', 'extension/engine/inference/inferenceWorker.ts'), undefined, (report) => reports.push(report));
    const before = process.env[ORT_BACKEND_ENV];
    try {
      const lm = await reporting.openLanguageModel(model);
      const native = await lm.forward([3, 1, 4]);
      await reporting.openInspector(model);
      assert.deepEqual(reports.map((r) => r.backend), ['native']);
      // As the setting does: the variable set in this process, inherited by the next child.
      process.env[ORT_BACKEND_ENV] = 'webassembly';
      reporting.restart('the backend changed');
      const wasm = await lm.forward([3, 1, 4]);
      assert.deepEqual(reports.map((r) => r.backend), ['native', 'webassembly']);
      assert.ok(native.logits.every((x, i) => Math.abs(x - wasm.logits[i]) < 1e-4));
    } finally {
      if (before === undefined) delete process.env[ORT_BACKEND_ENV];
      else process.env[ORT_BACKEND_ENV] = before;
      reporting.dispose();
    }
  });
});
