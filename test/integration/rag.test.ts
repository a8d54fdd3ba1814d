// Step 5 in a real extension host: attach the fixture folder (test/fixtures/rag, copied into the
// workspace) with a small random GPT-2 as the active model, ask a question whose answer lives in
// one file and find that file's chunk ranked first by BM25, see the panel lay the prompt out in
// the context window, send it all again to a restarted webview, and stream an answer; edit and
// save a file and see it re-indexed, switch to a real sentence-embedding model and find an answer
// by meaning, detach; lay a long selection out in the window under two overflow policies.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GPTConfig } from '../../extension/engine/gpt/config';
import { randomWeights } from '../../extension/engine/gpt/randomWeights';
import { generate } from '../../extension/engine/generate/generate';
import { InferenceHost } from '../../extension/engine/inference/inferenceHost';
import { readModelFolder } from '../../extension/engine/modelFolder/readModelFolder';
import { writeModelFolder } from '../../extension/engine/modelFolder/writeModelFolder';
import type { IndexReport } from '../../extension/engine/rag/indexer';
import { indexFolderFor } from '../../extension/engine/rag/indexStore';
import { loadTokenizerFile } from '../../extension/engine/tokenizer/loadTokenizerFile';
import type { ExtensionTestApi } from '../../extension/extension';
import type { Message } from '../../webviews/shared/protocol';
import { RAG_VIEW_TYPE, type AnswerView, type RagNotification, type RetrievalView } from '../../webviews/rag/protocol';
import { byteLevelTokenizerJson } from '../unit/modelFolderFixtures';
import { panelMessages } from './panelMessages';

const EXTENSION_ID = 'llm-pipeline-lab.llm-pipeline-lab';
const CONFIG: GPTConfig = { n_layer: 1, n_head: 2, n_embd: 16, n_positions: 512, vocab_size: 257, layer_norm_epsilon: 1e-5 };


let api: ExtensionTestApi;
let attachedChunks = 0;

const nextPosted = panelMessages<RagNotification>(() => api, RAG_VIEW_TYPE, 'the RAG panel');

/** Where the extension keeps the index of `root` (its global storage, under the harness's user data folder). */
function storedIndex(root: string): string {
  const userData = process.env.LLM_LAB_TEST_USER_DATA;
  assert.ok(userData, 'LLM_LAB_TEST_USER_DATA is not set: run the suite with npm run test:integration');
  return indexFolderFor(path.join(userData, 'User', 'globalStorage', EXTENSION_ID), root);
}

function recordPosts(): { readonly messages: Message[]; dispose(): void } {
  const messages: Message[] = [];
  const listener = api.panels.onDidPostToWebview(({ viewType, message }) => viewType === RAG_VIEW_TYPE && messages.push(message));
  return { messages, dispose: () => listener.dispose() };
}

function ask(question: string, generate = false): Thenable<RetrievalView | undefined> {
  return vscode.commands.executeCommand<RetrievalView | undefined>('llmPipeline.askRagFolder', { question, generate });
}

suite('RAG and context window (Step 5)', () => {
  let dir: string;
  let modelDir: string;
  let root: string;
  let attaching: Promise<IndexReport | undefined> | undefined;

  /** The fixture folder, attached once: by the first test, or by whichever test runs alone under --grep. */
  function attachFixture(): Promise<IndexReport | undefined> {
    attaching ??= Promise.resolve(vscode.commands.executeCommand<IndexReport | undefined>('llmPipeline.attachRagFolder', vscode.Uri.file(root))).then((report) => {
      attachedChunks = report?.chunks ?? 0;
      return report;
    });
    return attaching;
  }

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<ExtensionTestApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llm-lab-rag-'));
    modelDir = path.join(dir, 'tiny-gpt2');
    writeModelFolder(modelDir, { config: CONFIG, weights: randomWeights(CONFIG, 5), tokenizerJson: byteLevelTokenizerJson() });
    assert.equal(await vscode.commands.executeCommand('llmPipeline.chooseModelFolder', vscode.Uri.file(modelDir)), modelDir);
    const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? dir;
    root = path.join(workspace, `rag-fixture-${Date.now()}`);
    fs.cpSync(path.join(extension.extensionPath, 'test', 'fixtures', 'rag'), root, { recursive: true });
    fs.writeFileSync(path.join(root, 'ignored-notes.txt'), 'listed in .gitignore: zebra\n');
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('Attach RAG Folder indexes the text files and counts what it skipped', async () => {
    const report = await attachFixture();
    assert.ok(report, 'attach returned no report');
    assert.equal(report.files, 6);
    assert.deepEqual(report.skipped.map((s) => [s.file, s.reason]), [['logo.bin', 'binary']]);
    assert.equal(report.ignored, 1, '.gitignore leaves out ignored-notes.txt');
    assert.ok(fs.existsSync(storedIndex(root)), `no index stored at ${storedIndex(root)}`);
  });

  test('a question answered in one file ranks that file first by BM25; the prompt fills the window with cited sources', async () => {
    await attachFixture();
    const budget = nextPosted('budget');
    const retrieval = await ask('When does the paraffin for the lamp arrive by boat?');
    assert.ok(retrieval);
    assert.equal(retrieval.bm25[0].chunk.file, 'docs/supplies.md');
    assert.ok(retrieval.bm25[0].score > (retrieval.bm25[1]?.score ?? 0));
    assert.equal(retrieval.rrfK, 60);
    assert.equal(retrieval.chunks, attachedChunks, 'every chunk of the folder is scored');
    const laidOut = await budget;
    assert.equal(laidOut.contextLength, CONFIG.n_positions);
    assert.deepEqual(laidOut.segments.map((s) => s.kind), ['system', 'source', 'source', 'source', 'source', 'question']);
    // The random model's hidden states embed: BM25 alone feeds the answer, and the panel says why.
    assert.equal(retrieval.answer.ranking, 'bm25');
    assert.match(retrieval.answer.reason, /^BM25 alone: a next-token model's pooled hidden states are weak for meaning/);
    assert.equal(laidOut.segments[1].chunkId, retrieval.bm25[0].chunk.id, 'the first source is BM25\'s first chunk');
    assert.equal(laidOut.segments.reduce((sum, s) => sum + s.kept, 0), laidOut.keptTokens);
    assert.equal(laidOut.keptTokens + laidOut.answerTokens + laidOut.free, laidOut.contextLength);
    // The random model's context (512 byte tokens) cannot hold four sources and the answer room: sources were dropped.
    assert.ok(laidOut.overflow > 0 && laidOut.segments.some((s) => s.kind === 'source' && s.kept === 0), JSON.stringify(laidOut.segments));
  });

  test('a webview that starts again (shown after hiding, or new and not yet listening) is sent the last question and its results', async () => {
    await attachFixture();
    const question = 'When does the paraffin for the lamp arrive by boat?';
    const retrieval = await ask(question);
    const posted = Promise.all([nextPosted('question'), nextPosted('retrieval'), nextPosted('budget')]);
    assert.equal(await api.panels.sendFromWebview(RAG_VIEW_TYPE, { type: 'ready', payload: {} }), 1);
    const [again, ranked] = await posted;
    assert.equal(again.question, question);
    assert.deepEqual(ranked, retrieval);
  });

  test('Retrieve and answer streams the answer in several growing parts, the text the engine generates for the same prompt, with the sources it was given', async () => {
    await attachFixture();
    const posts = recordPosts();
    const laidOut = nextPosted('budget');
    const done = nextPosted('answer', (a) => a.done);
    const answerTokens = 96;
    try {
      // A long answer room, so that the stream has many parts before it ends.
      await api.panels.sendFromWebview(RAG_VIEW_TYPE, { type: 'ask', payload: { question: 'How often is the fog signal fired in a storm?', policy: 'drop-sources', answerTokens, generate: true } });
      const answer = await done;
      // The same prompt, run by the engine in an inference process of the test's own with the
      // panel's decoding (greedy, repetition penalty 1.2, the model's end-of-text token).
      const { promptText, keptTokens } = await laidOut;
      const tokenizer = await loadTokenizerFile(modelDir);
      const prompt = tokenizer.encodeIds(promptText);
      assert.equal(prompt.length, keptTokens, 'the laid-out prompt text does not encode to the kept tokens');
      const inference = new InferenceHost(path.join(vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath ?? '', 'dist', 'inferenceWorker.js'));
      try {
        const model = await inference.openLanguageModel(modelDir);
        const eos = readModelFolder(modelDir).config.eosTokenIds;
        const direct = await generate(model, prompt, { sampler: { temperature: 0, repetitionPenalty: 1.2 }, seed: 0, maxNewTokens: answerTokens, stopTokenIds: eos, decode: (ids) => tokenizer.decode(ids) });
        assert.equal(answer.text, direct.text, 'the panel\'s answer is not the engine\'s generation for the same prompt');
        assert.equal(answer.tokens, direct.tokens.length);
      } finally {
        inference.dispose();
      }
      const parts = posts.messages.filter((m) => m.type === 'answer').map((m) => m.payload as AnswerView);
      const partial = parts.filter((a) => !a.done);
      assert.ok(new Set(partial.map((p) => p.tokens)).size >= 2, `partial answers at ${partial.map((p) => p.tokens)} tokens before the last`);
      // Each part extends the one before it (a part may come twice, once to each open RAG panel),
      // and the last is the whole answer.
      for (const [i, part] of partial.entries()) {
        assert.ok(answer.text.startsWith(part.text), `part ${i} ${JSON.stringify(part.text)} is not the start of ${JSON.stringify(answer.text)}`);
        if (i > 0) assert.ok(part.tokens >= partial[i - 1].tokens, `parts at ${partial.map((p) => p.tokens)} tokens`);
      }
      assert.ok(answer.tokens >= partial.at(-1)!.tokens);
      assert.ok(answer.sources.length >= 1 && answer.sources.every((s, i) => s.n === i + 1 && s.location.includes(':')));
    } finally {
      posts.dispose();
    }
  });

  test('Stop ends the answer being written, marked as stopped, and the panel answers the next question', async () => {
    await attachFixture();
    const posts = recordPosts();
    const firstPart = nextPosted('answer', (a) => !a.done);
    try {
      // 400 tokens of answer room: far more than is written before Stop arrives. The hook resolves
      // once the host has handled the message (the whole answer); a webview does not wait for that,
      // so neither does the test before it sends Stop.
      const asked = api.panels.sendFromWebview(RAG_VIEW_TYPE, { type: 'ask', payload: { question: 'Where are the spare flares kept?', policy: 'drop-sources', answerTokens: 400, generate: true } });
      await firstPart;
      const atStop = posts.messages.length;
      await api.panels.sendFromWebview(RAG_VIEW_TYPE, { type: 'stop', payload: {} });
      await asked;
      // The next question runs after the stopped one has ended.
      assert.equal((await ask('When does the paraffin for the lamp arrive by boat?'))?.bm25[0].chunk.file, 'docs/supplies.md');
      const answers = posts.messages.filter((m) => m.type === 'answer').map((m) => m.payload as AnswerView);
      const last = answers.at(-1);
      assert.deepEqual(answers.filter((a) => a.done), [last], 'one last message ends the answer');
      assert.equal(last?.finishReason, 'aborted');
      assert.ok(last.tokens < 400, `the answer ran on to ${last.tokens} tokens`);
      // After Stop: at most the part already on its way, then the last message.
      const partsAfterStop = posts.messages.slice(atStop).filter((m) => m.type === 'answer' && !(m.payload as AnswerView).done);
      assert.ok(partsAfterStop.length <= 1, `${partsAfterStop.length} answer parts were posted after Stop`);
    } finally {
      posts.dispose();
    }
  });

  test('messages that fail the RAG panel\'s guard are dropped without effect', async () => {
    await attachFixture();
    const posts = recordPosts();
    const ok = { question: 'When does the paraffin for the lamp arrive by boat?', policy: 'drop-sources', answerTokens: 64, generate: false };
    try {
      for (const bad of [
        { type: 'ask', payload: { ...ok, answerTokens: 0 } },
        { type: 'ask', payload: { ...ok, question: 'x'.repeat(20_001) } },
        { type: 'ask', payload: { ...ok, folder: '/etc' } },
        { type: 'ask', payload: { ...ok, policy: 'forget' } },
        { type: 'detach', payload: { root: 42 } },
        { type: 'chooseFolder', payload: {} },
        { type: 'openChunk', payload: { id: ['a'] } },
        { type: 'stop', payload: { now: true } },
        { type: 'export', payload: { format: 'png', name: '../outside', data: 'iVBORw0KGgo=' } },
        'ask',
        null,
      ]) {
        await api.panels.sendFromWebview(RAG_VIEW_TYPE, bad);
      }
      assert.deepEqual(posts.messages.map((m) => m.type), [], 'a message that fails the guard was handled');
      // A valid request after them: its answer is the first thing posted.
      const laidOut = nextPosted('budget');
      await api.panels.sendFromWebview(RAG_VIEW_TYPE, { type: 'ask', payload: ok });
      await laidOut;
      assert.deepEqual(posts.messages.slice(0, 3).map((m) => m.type), ['question', 'retrieval', 'budget']);
      assert.ok(fs.existsSync(storedIndex(root)), 'the folder is still attached');
    } finally {
      posts.dispose();
    }
  });

  test('editing and saving a file in the editor re-indexes that file', async () => {
    await attachFixture();
    const document = await vscode.workspace.openTextDocument(path.join(root, 'docs', 'storms.txt'));
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, document.positionAt(document.getText().length), 'Kittiwakes nest on the cliff below the gallery every spring.\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await document.save());
    let found: RetrievalView | undefined;
    for (let tries = 0; tries < 60 && found?.bm25[0]?.chunk.file !== 'docs/storms.txt'; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      found = await ask('kittiwakes nest');
    }
    assert.equal(found?.bm25[0]?.chunk.file, 'docs/storms.txt', 'the edit never reached the index');
    assert.ok(found.bm25[0].chunk.preview.includes('Kittiwakes'));
  });

  test('with all-MiniLM-L6-v2 chosen from a Hugging Face cache entry, the folder is re-embedded in the worker and dense retrieval feeds the answer from the right file', async () => {
    await attachFixture();
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    const modelDir = path.join(extension?.extensionPath ?? '', '.harness', 'models', 'all-MiniLM-L6-v2');
    // npm test provisions it first; a run without it fails here rather than passing by skipping.
    if (!fs.existsSync(path.join(modelDir, 'tokenizer.json'))) throw new Error(`${modelDir} is not provisioned: run npm run provision (npm test does)`);
    // The cache layout the Hugging Face tools write: models--org--name/{refs/main, snapshots/<commit>/}.
    const entry = path.join(dir, 'hub', 'models--sentence-transformers--all-MiniLM-L6-v2');
    fs.mkdirSync(path.join(entry, 'refs'), { recursive: true });
    fs.writeFileSync(path.join(entry, 'refs', 'main'), 'c0ffee');
    fs.mkdirSync(path.join(entry, 'snapshots'));
    // The cache links its snapshots' files to blobs; one link to the whole folder stands in for them.
    fs.symlinkSync(modelDir, path.join(entry, 'snapshots', 'c0ffee'), 'dir');
    const storeBefore = fs.statSync(path.join(storedIndex(root), 'vectors.bin')).mtimeMs;
    const relabelled = nextPosted('state', (s) => s.embedder === 'sentence-transformers/all-MiniLM-L6-v2 (sentence embeddings)');
    const failed = nextPosted('error').then((e) => {
      throw new Error(`the panel reported: ${e.message}`);
    });
    failed.catch(() => undefined);
    const chosen = await vscode.commands.executeCommand<string>('llmPipeline.chooseEmbeddingModel', vscode.Uri.file(entry));
    try {
      assert.equal(chosen, path.join(entry, 'snapshots', 'c0ffee'), 'the cache entry stands for the snapshot refs/main names');
      await Promise.race([relabelled, failed]);
      const budget = nextPosted('budget');
      const retrieval = await ask('When is fuel for the light delivered?');
      assert.ok(retrieval);
      assert.ok(fs.statSync(path.join(storedIndex(root), 'vectors.bin')).mtimeMs > storeBefore, 'the index worker stored new vectors');
      assert.equal(retrieval.answer.ranking, 'dense');
      assert.match(retrieval.answer.reason, /^dense alone/);
      assert.equal(retrieval.dense[0].chunk.file, 'docs/supplies.md');
      assert.notEqual(retrieval.bm25[0].chunk.file, 'docs/supplies.md', 'BM25 has no word of the answer to go on');
      // The prompt's first source, the one the answer is built from, is dense retrieval's first chunk.
      assert.equal((await budget).segments[1].chunkId, retrieval.dense[0].chunk.id);
    } finally {
      await vscode.workspace.getConfiguration('llmPipeline.rag').update('embeddingModel', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('a folder that is not a sentence-embedding model is refused: by the command before the setting changes, in the panel when set by hand', async () => {
    await attachFixture();
    const empty = fs.mkdtempSync(path.join(dir, 'not-a-model-'));
    assert.equal(await vscode.commands.executeCommand('llmPipeline.chooseEmbeddingModel', vscode.Uri.file(empty)), undefined);
    assert.equal(vscode.workspace.getConfiguration('llmPipeline.rag').get('embeddingModel'), '', 'the setting is left as it was');
    const refused = nextPosted('error', (e) => e.message.includes('llmPipeline.rag.embeddingModel'));
    await vscode.workspace.getConfiguration('llmPipeline.rag').update('embeddingModel', empty, vscode.ConfigurationTarget.Global);
    try {
      const { message } = await refused;
      assert.match(message, /onnx\/model\.onnx/);
      assert.ok(message.includes(empty), message);
    } finally {
      await vscode.workspace.getConfiguration('llmPipeline.rag').update('embeddingModel', undefined, vscode.ConfigurationTarget.Global);
    }
    // Back on the default embedder, the folder answers again.
    const retrieval = await ask('When does the paraffin for the lamp arrive by boat?');
    assert.equal(retrieval?.bm25[0].chunk.file, 'docs/supplies.md');
  });

  test('Detach RAG Folder removes it: its stored index is deleted, the workspace forgets it, and questions then retrieve nothing', async () => {
    await attachFixture();
    assert.ok(fs.existsSync(storedIndex(root)));
    assert.ok(api.rag.rememberedRoots().includes(root), 'the workspace state does not list the attached folder');
    await vscode.commands.executeCommand('llmPipeline.detachRagFolder', vscode.Uri.file(root));
    assert.equal(fs.existsSync(storedIndex(root)), false, `${storedIndex(root)} is still there`);
    assert.ok(!api.rag.rememberedRoots().includes(root), `the workspace state still lists ${root}: the next session would attach it again`);
    assert.equal(await ask('paraffin'), undefined);
    attaching = undefined;
  });

  test('cancelling an attach leaves nothing half attached: no stored index, no attached folder in the panel', async function () {
    this.timeout(180_000);
    // A folder big enough that its indexing is still running when its notification's Cancel is pressed.
    const big = path.join(path.dirname(root), `rag-cancel-${Date.now()}`);
    fs.mkdirSync(big);
    for (let i = 0; i < 800; i++) fs.writeFileSync(path.join(big, `note-${i}.md`), `# Note ${i}\n\n${`Lamp ${i} keeps the keeper awake until dawn. `.repeat(60)}\n`);
    try {
      await vscode.commands.executeCommand('notifications.clearAll');
      let settled = false;
      const attaching = Promise.resolve(vscode.commands.executeCommand<IndexReport | undefined>('llmPipeline.attachRagFolder', vscode.Uri.file(big)));
      void attaching.finally(() => (settled = true));
      // The newest notification is the attach's progress once it shows; its primary action is Cancel.
      while (!settled) {
        await vscode.commands.executeCommand('notification.acceptPrimaryAction');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.equal(await attaching, undefined, 'the attach was cancelled, not finished');
      assert.equal(fs.existsSync(storedIndex(big)), false, `${storedIndex(big)} was written`);
      await vscode.commands.executeCommand('llmPipeline.showContextWindow');
      const state = nextPosted('state');
      await api.panels.sendFromWebview(RAG_VIEW_TYPE, { type: 'ready', payload: {} });
      const folders = (await state).folders.map((f) => f.root);
      assert.ok(!folders.includes(big), `the panel lists ${big} as attached: ${folders.join(', ')}`);
    } finally {
      fs.rmSync(big, { recursive: true, force: true });
    }
  });

  test('Show Context Window lays a selection longer than the window out in it: with nothing to drop its start is cut, under plain truncation its end', async () => {
    // One token per byte: 539 bytes in a "Question: …\nAnswer:" frame do not fit in 512 - 64.
    const text = Array.from({ length: 60 }, (_, i) => `line ${String(i).padStart(3, '0')}`).join('\n');
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: text }));
    editor.selection = new vscode.Selection(editor.document.positionAt(0), editor.document.positionAt(text.length));
    const laidOut = nextPosted('budget');
    await vscode.commands.executeCommand('llmPipeline.showContextWindow');
    const dropping = await laidOut;
    const framed = `Question: ${text}\nAnswer:`;
    assert.deepEqual(dropping.segments.map((s) => s.kind), ['question'], 'no folder attached: the selection is the whole prompt');
    assert.equal(dropping.promptTokens, framed.length);
    assert.equal(dropping.overflow, framed.length - (CONFIG.n_positions - 64));
    // With no source to drop, the oldest tokens leave first.
    assert.equal(dropping.segments[0].cutText, framed.slice(0, dropping.overflow));
    assert.equal(dropping.keptTokens + dropping.answerTokens + dropping.free, CONFIG.n_positions);

    const truncated = nextPosted('budget', (b) => b.policy === 'truncate-end');
    await api.panels.sendFromWebview(RAG_VIEW_TYPE, { type: 'ask', payload: { question: text, policy: 'truncate-end', answerTokens: 64, generate: false } });
    const cutAtEnd = await truncated;
    assert.equal(cutAtEnd.segments[0].cutText, framed.slice(framed.length - cutAtEnd.overflow), 'plain truncation cuts the end, question mark and all');
    assert.ok(cutAtEnd.promptText.startsWith('Question: line 000'));
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
