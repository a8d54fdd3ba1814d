// Step 3 in a real extension host: "Decoding Playground" on an editor selection, the messages the
// panel's host posts (seen through the test hooks activate() returns), checked against the engine
// run directly on the same model folder and prompt: the bars are nextTokenDistribution's, a
// seeded "Next" appends stepOnce's token, the comparison is beamSearch's, and "Insert at cursor"
// edits the document the prompt came from.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionTestApi } from '../../extension/extension';
import { samplerSettings } from '../../extension/decoding/stepHistory';
import { beamSearch } from '../../extension/engine/generate/beamSearch';
import { nextTokenDistribution, startDecoding, stepOnce, type DecodeState } from '../../extension/engine/generate/decodeSession';
import { generate } from '../../extension/engine/generate/generate';
import { roomToGenerate } from '../../extension/decoding/promptWindow';
import { InferenceHost, type RemoteLanguageModel } from '../../extension/engine/inference/inferenceHost';
import { readModelFolder } from '../../extension/engine/modelFolder/readModelFolder';
import type { HfTextTokenizer } from '../../extension/engine/tokenizer/hfTokenizer';
import { loadTokenizerFile } from '../../extension/engine/tokenizer/loadTokenizerFile';
import { bundledModelFolder } from '../../extension/model/bundledModel';
import { DECODING_VIEW_TYPE, type DecodingNotification, type DecodingRequest, type SamplerControls, type SessionView } from '../../webviews/decoding/protocol';
import { panelMessages } from './panelMessages';

const EXTENSION_ID = 'llm-pipeline-lab.llm-pipeline-lab';
const PROMPT = 'Once upon a time, there was a little dog named Max. He liked to';
const CONTROLS: SamplerControls = { temperature: 0.8, topK: 40, topP: 0.9, minP: 0.01, seed: 7 };


let api: ExtensionTestApi;

const nextPosted = panelMessages<DecodingNotification>(() => api, DECODING_VIEW_TYPE, 'the Decoding Playground', { failOnError: true });

function fromWebview(message: DecodingRequest | unknown): Promise<number> {
  return api.panels.sendFromWebview(DECODING_VIEW_TYPE, message);
}

suite('Decoding Playground (Step 3)', () => {
  // The engine's reference runs ONNX Runtime in an inference process of its own, as the panel's
  // model does: the host process's floating-point state is not the one the panel computes in.
  let inference: InferenceHost;
  let model: RemoteLanguageModel;
  let tokenizer: HfTextTokenizer;
  let editor: vscode.TextEditor;
  let engine: DecodeState;
  let eos: readonly number[];

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<ExtensionTestApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
    const folder = bundledModelFolder(extension.extensionPath);
    assert.ok(folder, 'a model is bundled under models/');
    inference = new InferenceHost(path.join(extension.extensionPath, 'dist', 'inferenceWorker.js'));
    model = await inference.openLanguageModel(folder);
    eos = readModelFolder(folder).generation.eosTokenIds;
    tokenizer = await loadTokenizerFile(folder);
  });

  suiteTeardown(async () => {
    await model?.release();
    inference?.dispose();
    // The inserted text left the untitled document dirty: revert it so closing asks nothing.
    if (editor) {
      await vscode.window.showTextDocument(editor.document);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  let opening: Promise<{ first: SessionView; session: SessionView }> | undefined;
  /**
   * Opens the playground on PROMPT (selected in an editor) with CONTROLS, and the engine's own
   * session beside it, once: every test starts with it, so each also runs alone (--grep).
   */
  function openPlayground(): Promise<{ first: SessionView; session: SessionView }> {
    opening ??= (async () => {
      const document = await vscode.workspace.openTextDocument({ content: `${PROMPT}\n`, language: 'plaintext' });
      editor = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
      editor.selection = new vscode.Selection(new vscode.Position(0, 0), document.positionAt(PROMPT.length));
      const ids = tokenizer.encodeIds(PROMPT);
      const opened = nextPosted('session', (s) => s.promptTokens === ids.length);
      await vscode.commands.executeCommand('llmPipeline.decodingPlayground');
      const first = await opened;
      const updated = nextPosted('session', (s) => s.controls.seed === CONTROLS.seed);
      assert.equal(await fromWebview({ type: 'setControls', payload: CONTROLS }), 1, 'one playground is open');
      const session = await updated;
      engine = await startDecoding(model, ids, { sampler: samplerSettings(CONTROLS), seed: CONTROLS.seed, maxNewTokens: model.contextLength, topN: 20 });
      return { first, session };
    })();
    return opening;
  }

  /** The playground's session as it is now (setting the same controls posts it). */
  async function currentSession(): Promise<SessionView> {
    await openPlayground();
    const current = nextPosted('session');
    await fromWebview({ type: 'setControls', payload: CONTROLS });
    return current;
  }

  test('the playground opens on the selection and its bars are the engine distribution', async () => {
    const { first, session } = await openPlayground();
    const ids = tokenizer.encodeIds(PROMPT);
    assert.match(first.source, /line 1/);
    assert.equal(first.generated.length, 0);
    assert.equal(first.candidates.length, 20);
    const expected = nextTokenDistribution(engine).trace;
    assert.deepEqual(session.candidates.map((c) => c.token), expected.candidates.map((c) => c.token));
    session.candidates.forEach((c, i) => {
      const e = expected.candidates[i];
      assert.ok(Math.abs(c.model - e.originalProbability) < 1e-6, `model probability of ${c.label}`);
      assert.ok(Math.abs(c.tempered - e.temperedProbability) < 1e-6, `tempered probability of ${c.label}`);
    });
    // The panel's model runs in the inference process, the reference here: the same graph, but a
    // token whose cumulative mass lands within rounding of top-p may be kept on one side only.
    // Then that is the only difference allowed; otherwise the filters must agree exactly.
    const flipped = session.candidates.filter((c, i) => (c.final > 0) !== (expected.candidates[i].finalProbability > 0));
    if (flipped.length > 0) {
      assert.equal(flipped.length, 1, `tokens kept differently: ${flipped.map((c) => c.label).join(', ')}`);
      const at = session.candidates.indexOf(flipped[0]);
      const keptHere = session.candidates.filter((c) => c.final > 0).length;
      const keptThere = expected.candidates.filter((e) => e.finalProbability > 0).length;
      assert.equal(at, Math.min(keptHere, keptThere), `${flipped[0].label} is the first token past the smaller kept set`);
      assert.equal(flipped[0].final > 0 ? expected.candidates[at].cutBy : flipped[0].cutBy, 'top-p', 'and top-p cut it on the other side');
    } else {
      session.candidates.forEach((c, i) => {
        const e = expected.candidates[i];
        assert.ok(Math.abs(c.final - e.finalProbability) < 1e-6, `final probability of ${c.label}`);
        assert.equal(c.cutBy, e.cutBy);
      });
      assert.deepEqual(session.filters, expected.filters.map((f) => ({ name: f.name, kept: f.kept })));
    }
    assert.ok(session.cache[0].bytes > 0 && session.cache[0].tokens === ids.length, 'the prefill filled the cache');
  });

  test('"Next" with a fixed seed appends the engine token; "Back" removes it', async () => {
    assert.equal((await currentSession()).generated.length, 0);
    const direct = await stepOnce(engine, 'sample');
    const stepped = nextPosted('session', (s) => s.generated.length === 1);
    await fromWebview({ type: 'next', payload: {} });
    const session = await stepped;
    assert.equal(session.generated[0].token, direct.step.token);
    assert.ok(Math.abs(session.generated[0].probability - direct.step.probability) < 1e-6);
    assert.equal(session.cache.at(-1)?.tokens, engine.prompt.length + 1);

    const back = nextPosted('session', (s) => s.generated.length === 0);
    await fromWebview({ type: 'back', payload: {} });
    await back;
    const again = nextPosted('session', (s) => s.generated.length === 1);
    await fromWebview({ type: 'next', payload: {} });
    assert.equal((await again).generated[0].token, direct.step.token, 'Back restored the random state too');
  });

  test('picking a bar appends that token even when a filter cut it', async () => {
    const { generated } = await currentSession();
    let state = engine;
    for (const { token } of generated) state = (await stepOnce(state, { token })).state;
    const before = nextTokenDistribution(state).trace.candidates;
    const last = before[before.length - 1];
    assert.notEqual(last.cutBy, null, `the 20th bar (${last.token}) is one a filter cut`);
    const picked = nextPosted('session', (s) => s.generated.length === generated.length + 1);
    await fromWebview({ type: 'pick', payload: { token: last.token } });
    const session = await picked;
    assert.equal(session.generated.at(-1)?.token, last.token);
    assert.equal(session.generated.at(-1)?.forced, true);
  });

  test('"Insert at cursor" puts the generated text after the selection in the editor', async () => {
    const generated = (await currentSession()).generated.map((g) => g.token);
    const expectedText = tokenizer.decode(generated);
    const changed = new Promise<void>((resolve) => {
      const listener = vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === editor.document) {
          listener.dispose();
          resolve();
        }
      });
    });
    await fromWebview({ type: 'insert', payload: { source: 'steps' } });
    await changed;
    assert.equal(editor.document.getText(), `${PROMPT}${expectedText}\n`);
  });

  test('greedy, sampled and beam search side by side; beam search is the engine result', async () => {
    await openPlayground();
    const beam = { width: 3, lengthPenalty: 0.6, maxNewTokens: 8 };
    const compared = nextPosted('compare');
    await fromWebview({ type: 'compare', payload: beam });
    const view = await compared;
    const direct = await beamSearch(model, engine.prompt, { ...beam, eosTokenIds: eos });
    assert.equal(view.nodes.length, direct.nodes.length);
    assert.equal(view.beam.text, tokenizer.decode(direct.beams[0].tokens));
    assert.ok(Math.abs(view.beam.logprob - direct.beams[0].cumulativeLogprob) < 1e-4);
    // Greedy and sampled (the panel's controls and seed) are the engine's generate() on the same prompt.
    const decode = (ids: readonly number[]) => tokenizer.decode(ids);
    const greedy = await generate(model, engine.prompt, { sampler: { temperature: 0 }, seed: 0, maxNewTokens: beam.maxNewTokens, stopTokenIds: eos, decode });
    const sampled = await generate(model, engine.prompt, { sampler: samplerSettings(CONTROLS), seed: CONTROLS.seed, maxNewTokens: beam.maxNewTokens, stopTokenIds: eos, decode });
    assert.deepEqual([view.greedy.text, view.greedy.tokens], [greedy.text, greedy.tokens.length]);
    assert.deepEqual([view.sampled.text, view.sampled.tokens], [sampled.text, sampled.tokens.length]);
  });

  test('a prompt longer than the context is cut to its end, with a notice', async () => {
    await openPlayground();
    const long = 'The little dog ran to the park and played with a ball. '.repeat(60);
    const ids = tokenizer.encodeIds(long);
    const kept = model.contextLength - roomToGenerate(model.contextLength);
    const cut = nextPosted('session', (s) => s.notices.length > 0);
    await fromWebview({ type: 'setPrompt', payload: { text: long } });
    const session = await cut;
    assert.equal(session.promptTokens, kept);
    assert.equal(session.cache[0].tokens, kept, 'the prefill read the kept tokens');
    assert.match(session.notices[0], new RegExp(`at most ${model.contextLength}: its first ${ids.length - kept} tokens`));
    // The kept tokens are the prompt's tail: the bars are the engine's distribution after them.
    const tail = await startDecoding(model, ids.slice(ids.length - kept), { sampler: samplerSettings(CONTROLS), seed: CONTROLS.seed, maxNewTokens: 1, topN: 20 });
    assert.deepEqual(session.candidates.map((c) => c.token), nextTokenDistribution(tail).trace.candidates.map((c) => c.token));
  });

  test('"Generate N" stops after N tokens, or when asked to', async () => {
    await openPlayground();
    const prompt = nextPosted('session', (s) => s.notices.length === 0 && s.generated.length === 0);
    await fromWebview({ type: 'setPrompt', payload: { text: PROMPT } });
    await prompt;
    const done = nextPosted('busy', (b) => b === null);
    const five = nextPosted('session', (s) => s.generated.length === 5);
    await fromWebview({ type: 'generate', payload: { count: 5 } });
    await five;
    await done;

    const started = nextPosted('session', (s) => s.generated.length >= 7);
    const stopped = nextPosted('busy', (b) => b === null);
    await fromWebview({ type: 'generate', payload: { count: 1000 } });
    await started;
    await fromWebview({ type: 'stop', payload: {} });
    await stopped;
    const after = nextPosted('session');
    await fromWebview({ type: 'setControls', payload: CONTROLS });
    const session = await after;
    assert.ok(session.generated.length >= 7, `stopped at ${session.generated.length} tokens`);
    assert.equal(session.finished, null, 'the stop ended it, not the end of the context or an end-of-text token');
  });
});
