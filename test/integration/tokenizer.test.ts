// Step 1 in a real extension host: "Tokenize Selection" on an editor selection, the messages
// the panel's host posts (seen through the test hooks activate() returns), checked against
// js-tiktoken, an implementation independent of the engine's @huggingface/tokenizers path.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Tiktoken } from 'js-tiktoken/lite';
import cl100k from 'js-tiktoken/ranks/cl100k_base';
import o200k from 'js-tiktoken/ranks/o200k_base';
import r50k from 'js-tiktoken/ranks/r50k_base';
import * as vscode from 'vscode';
import { loadBuiltinTokenizer } from '../../extension/engine/tokenizer/builtins';
import { loadTokenizerFile } from '../../extension/engine/tokenizer/loadTokenizerFile';
import type { ExtensionTestApi } from '../../extension/extension';
import type { Message } from '../../webviews/shared/protocol';
import { TOKENIZER_VIEW_TYPE, type TokenizerNotification, type TokenizerRequest } from '../../webviews/tokenizer/protocol';
import { CONVERT_HERE } from '../../extension/engine/tokenizer/builtinConversion';

const EXTENSION_ID = 'llm-pipeline-lab.llm-pipeline-lab';
const SAMPLE = 'Hello world, tokenizers split text into pieces.\n\tTabs, naïve café and 🎉 too: 12345 tokens!';
const ranks = { 'builtin:r50k_base': r50k, 'builtin:cl100k_base': cl100k, 'builtin:o200k_base': o200k };
const encoders = new Map<string, Tiktoken>();
/** js-tiktoken's encoder, built on first use: building all three when the file loads held up the extension host for seconds. */
function tiktoken(id: keyof typeof ranks): Tiktoken {
  let encoder = encoders.get(id);
  if (!encoder) encoders.set(id, (encoder = new Tiktoken(ranks[id])));
  return encoder;
}

/** The first folder under the extension's models/ with a tokenizer.json: the default tokenizer when there is one. */
function bundledModel(): string | undefined {
  const root = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'models');
  const names = fs.existsSync(root) ? fs.readdirSync(root).sort() : [];
  const name = names.find((n) => fs.existsSync(path.join(root, n, 'tokenizer.json')));
  return name === undefined ? undefined : path.join(root, name);
}

type Payloads = { [M in TokenizerNotification as M['type']]: M['payload'] };

let api: ExtensionTestApi;

/** Resolves with the first message of `type` the tokenizer panel's host posts that passes `accept`. */
function nextPosted<T extends keyof Payloads>(type: T, accept: (p: Payloads[T]) => boolean = () => true, timeoutMs = 60_000): Promise<Payloads[T]> {
  return new Promise<Payloads[T]>((resolve, reject) => {
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error(`no '${type}' message was posted to the tokenizer panel within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const listener = api.panels.onDidPostToWebview(({ viewType, message }) => {
      const payload = message.payload as Payloads[T];
      if (viewType !== TOKENIZER_VIEW_TYPE || message.type !== type || !accept(payload)) return;
      clearTimeout(timer);
      listener.dispose();
      resolve(payload);
    });
  });
}

/** Records every message posted to the tokenizer panel until disposed. */
function recordPosts(): { readonly messages: Message[]; dispose(): void } {
  const messages: Message[] = [];
  const listener = api.panels.onDidPostToWebview(({ viewType, message }) => viewType === TOKENIZER_VIEW_TYPE && messages.push(message));
  return { messages, dispose: () => listener.dispose() };
}

function fromWebview(message: TokenizerRequest | unknown): Promise<number> {
  return api.panels.sendFromWebview(TOKENIZER_VIEW_TYPE, message);
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function editorWith(text: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument({ content: text, language: 'plaintext' });
  return vscode.window.showTextDocument(document, vscode.ViewColumn.One);
}

/**
 * Opens the panel on `text` with [start, end) selected and waits for its tokens, so that each
 * test stands alone under --grep instead of leaning on a panel an earlier test opened.
 */
async function tokenizeIn(text: string, start = 0, end = text.length): Promise<vscode.TextEditor> {
  const editor = await editorWith(text);
  editor.selection = new vscode.Selection(editor.document.positionAt(start), editor.document.positionAt(end));
  const shown = nextPosted('tokens', (p) => p.text === text.slice(start, end));
  await vscode.commands.executeCommand('llmPipeline.tokenizeSelection');
  await shown;
  return editor;
}

function selectAll(editor: vscode.TextEditor): void {
  const end = editor.document.positionAt(editor.document.getText().length);
  editor.selection = new vscode.Selection(new vscode.Position(0, 0), end);
}

suite('Tokenizer panel (Step 1)', () => {
  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<ExtensionTestApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
    assert.ok(api?.panels && api.tokenizer, 'activate() did not return the test hooks');
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Tokenize Selection posts the tokens of the selection under the default tokenizer: the bundled model, else GPT-2', async () => {
    const editor = await editorWith(`before\n${SAMPLE}\nafter`);
    const start = editor.document.positionAt('before\n'.length);
    editor.selection = new vscode.Selection(start, editor.document.positionAt('before\n'.length + SAMPLE.length));
    const tokens = nextPosted('tokens', (p) => p.text === SAMPLE);
    await vscode.commands.executeCommand('llmPipeline.tokenizeSelection');
    const result = await tokens;

    const model = bundledModel();
    assert.equal(result.tokenizer, model ? `model:${path.basename(model)}` : 'builtin:r50k_base');
    const engine = model ? await loadTokenizerFile(model) : await loadBuiltinTokenizer('r50k_base', CONVERT_HERE);
    assert.deepEqual(result.chips.map((c) => c.id), engine.encodeIds(SAMPLE));
  });

  test('the chips carry the IDs, bytes and ranges of the tokens, equal to js-tiktoken (GPT-2)', async () => {
    await tokenizeIn(`before\n${SAMPLE}\nafter`, 'before\n'.length, 'before\n'.length + SAMPLE.length);
    const tokens = nextPosted('tokens', (p) => p.text === SAMPLE && p.tokenizer === 'builtin:r50k_base');
    await fromWebview({ type: 'chooseTokenizer', payload: { id: 'builtin:r50k_base' } });
    const result = await tokens;
    const expected = tiktoken('builtin:r50k_base').encode(SAMPLE);
    assert.equal(result.tokenizer, 'builtin:r50k_base');
    assert.deepEqual(result.chips.map((c) => c.id), expected);
    assert.equal(result.counts.tokens, expected.length);
    assert.equal(result.counts.bytes, Buffer.byteLength(SAMPLE));
    assert.equal(result.counts.characters, [...SAMPLE].length);
    assert.equal(result.linked, true);
    assert.match(result.source, /lines 2–3/);
    // The chips' bytes, in order, are the text's UTF-8 bytes; each chip's range covers its bytes.
    const hex = result.chips.map((c) => c.hex).join(' ');
    assert.equal(hex, Buffer.from(SAMPLE).toString('hex').replace(/(..)(?!$)/g, '$1 '));
    const space = result.chips.find((c) => c.text === ' world');
    assert.ok(space, 'GPT-2 encodes " world" as one token');
    assert.equal(SAMPLE.slice(space.start, space.end), ' world');
    assert.equal(space.hex, '20 77 6f 72 6c 64');
  });

  test('the panel follows a new selection and switching the tokenizer re-encodes (cl100k_base)', async () => {
    const editor = await tokenizeIn(SAMPLE);
    const followed = nextPosted('tokens', (p) => p.text === SAMPLE.slice(0, 20));
    editor.selection = new vscode.Selection(new vscode.Position(0, 0), editor.document.positionAt(20));
    await followed;

    selectAll(editor);
    await nextPosted('tokens', (p) => p.text === SAMPLE);
    const switched = nextPosted('tokens', (p) => p.tokenizer === 'builtin:cl100k_base');
    assert.equal(await fromWebview({ type: 'chooseTokenizer', payload: { id: 'builtin:cl100k_base' } }), 1, 'one tokenizer panel is open');
    const result = await switched;
    assert.deepEqual(result.chips.map((c) => c.id), tiktoken('builtin:cl100k_base').encode(SAMPLE));
    assert.equal(api.tokenizer.activeTokenizer(), 'builtin:cl100k_base');
  });

  test('the compare view counts the same text under every built-in tokenizer', async () => {
    const ids = Object.keys(tiktoken) as (keyof typeof tiktoken)[];
    const compare = nextPosted('compare');
    await fromWebview({ type: 'compare', payload: { ids } });
    const { text, columns } = await compare;
    assert.equal(text, SAMPLE);
    assert.deepEqual(columns.map((c) => c.tokenizer), ids);
    for (const column of columns) {
      const expected = tiktoken(column.tokenizer as keyof typeof ranks).encode(SAMPLE);
      assert.equal(column.counts?.tokens, expected.length, column.label);
      assert.deepEqual(column.pieces?.map((p) => p.id), expected, column.label);
    }
  });

  test('messages that fail the guard are dropped without effect', async () => {
    const posts = recordPosts();
    try {
      for (const bad of [
        { type: 'chooseTokenizer', payload: { id: 5 } },
        { type: 'highlight', payload: { start: 4, end: 2 } },
        { type: 'nonsense', payload: {} },
        'chooseTokenizer',
        null,
      ]) {
        await fromWebview(bad);
      }
      // A valid request after them: its answer is the first thing posted.
      await fromWebview({ type: 'compare', payload: { ids: ['builtin:r50k_base'] } });
      await waitFor('the compare answer', () => (posts.messages.length ? true : undefined));
      // (The panel may post more afterwards, e.g. when it follows the editor's selection.)
      assert.equal(posts.messages[0].type, 'compare');
      assert.ok(!posts.messages.some((m) => m.type === 'tokenizers' || m.type === 'error'), posts.messages.map((m) => m.type).join(', '));
      assert.equal(api.tokenizer.activeTokenizer(), 'builtin:cl100k_base');
    } finally {
      posts.dispose();
    }
  });

  test('the status bar counts the selection under the active tokenizer', async () => {
    const editor = await editorWith(SAMPLE);
    selectAll(editor);
    const count = tiktoken('builtin:cl100k_base').encode(SAMPLE).length;
    const text = await waitFor('the status bar count', () => (api.tokenizer.statusText().includes(` ${count} tokens`) ? api.tokenizer.statusText() : undefined));
    assert.match(text, new RegExp(`\\b${count} tokens`));
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    await waitFor('the status item to hide', () => (api.tokenizer.statusText() === '' ? true : undefined));
  });

  test('token boundaries paint every token of the selection over its own text, alternating, and toggle off', async () => {
    // The selection starts after a first line, so the painted offsets are the document's, not the selection's.
    const first = 'A first line that is not selected.\n';
    const editor = await editorWith(first + SAMPLE);
    editor.selection = new vscode.Selection(editor.document.positionAt(first.length), editor.document.positionAt(first.length + SAMPLE.length));
    // The boundaries are the active tokenizer's: cl100k_base, chosen in the panel when another is
    // active (so that the test stands alone under --grep), then the editor is brought back.
    if (api.tokenizer.activeTokenizer() !== 'builtin:cl100k_base') {
      await vscode.commands.executeCommand('llmPipeline.tokenizeSelection');
      const switched = nextPosted('tokens', (p) => p.tokenizer === 'builtin:cl100k_base');
      await fromWebview({ type: 'chooseTokenizer', payload: { id: 'builtin:cl100k_base' } });
      await switched;
      await vscode.window.showTextDocument(editor.document, editor.viewColumn);
    }
    const encoder = tiktoken('builtin:cl100k_base');
    const ids = encoder.encode(SAMPLE);
    await vscode.commands.executeCommand('llmPipeline.toggleTokenBoundaries');
    const painted = await waitFor('the boundaries', () => (api.tokenizer.paintedTokens().length === ids.length ? api.tokenizer.paintedTokens() : undefined));
    assert.equal(painted[0].start, first.length, 'the first token starts where the selection does');
    assert.equal(painted.at(-1)?.end, first.length + SAMPLE.length, 'the last token ends where the selection does');
    const text = editor.document.getText();
    for (const [i, token] of painted.entries()) {
      assert.equal(token.odd, i % 2 === 1, `token ${i} has the other background`);
      if (i > 0) assert.ok(token.start >= painted[i - 1].start, `token ${i} is painted before the one before it`);
      // A token of whole characters covers exactly its text (the emoji's bytes are split over
      // tokens that each cover the whole emoji).
      const decoded = encoder.decode([ids[i]]);
      if (!decoded.includes('\uFFFD')) assert.equal(text.slice(token.start, token.end), decoded, `token ${i}`);
    }
    await vscode.commands.executeCommand('llmPipeline.toggleTokenBoundaries');
    assert.deepEqual(api.tokenizer.paintedTokens(), []);
  });

  test('a selection over the size limit is refused with the sizes, and typed text is cut to it', async () => {
    const config = vscode.workspace.getConfiguration('llmPipeline.tokenizer');
    await config.update('maxSelectionBytes', 1024, vscode.ConfigurationTarget.Global);
    try {
      const big = 'the quick brown fox jumps over the lazy dog. '.repeat(100);
      const editor = await editorWith(big);
      const refused = nextPosted('error', (p) => p.message.includes('KB'));
      selectAll(editor);
      assert.match((await refused).message, /4 KB.*1 KB/);

      const cut = nextPosted('tokens', (p) => p.notices.length > 0);
      await fromWebview({ type: 'tokenize', payload: { text: big } });
      const result = await cut;
      assert.equal(result.counts.bytes, 1024);
      assert.equal(result.text, big.slice(0, 1024));
      assert.match(result.notices[0], /first 1 KB of 4 KB/);
    } finally {
      await config.update('maxSelectionBytes', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('binary-looking text is tokenized with a notice, byte for byte', async () => {
    const binary = 'PK\u0003\u0004\u0014\u0000\u0008\u0000\ufffd\ufffd\u0000\u0000data';
    const posted = nextPosted('tokens', (p) => p.text === binary);
    await fromWebview({ type: 'tokenize', payload: { text: binary } });
    const result = await posted;
    assert.equal(result.notices.length, 1);
    assert.match(result.notices[0], /binary/);
    assert.deepEqual(result.chips.map((c) => c.id), tiktoken('builtin:cl100k_base').encode(binary));
  });

  test('a tokenizer.json from disk joins the list; a broken one is refused and changes nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llm-lab-tokenizer-'));
    const broken = path.join(dir, 'broken', 'tokenizer.json');
    fs.mkdirSync(path.dirname(broken));
    fs.writeFileSync(broken, '{ "model": { "type": "BPE", "vocab": ');
    const before = api.tokenizer.activeTokenizer();
    assert.equal(await vscode.commands.executeCommand('llmPipeline.chooseTokenizer', vscode.Uri.file(broken)), undefined);
    assert.equal(api.tokenizer.activeTokenizer(), before);

    // A word-level BPE with three merges, written by hand.
    const tiny = path.join(dir, 'tiny', 'tokenizer.json');
    fs.mkdirSync(path.dirname(tiny));
    const vocab = { a: 0, b: 1, c: 2, ab: 3, abc: 4, ' ': 5 };
    fs.writeFileSync(tiny, JSON.stringify({ model: { type: 'BPE', vocab, merges: ['a b', 'ab c'] }, pre_tokenizer: { type: 'WhitespaceSplit' } }));
    const list = nextPosted('tokenizers', (p) => p.active === `file:${tiny}`);
    const id = await vscode.commands.executeCommand<string | undefined>('llmPipeline.chooseTokenizer', vscode.Uri.file(tiny));
    assert.equal(id, `file:${tiny}`);
    assert.equal(api.tokenizer.activeTokenizer(), id);
    const { options } = await list;
    assert.ok(options.find((o) => o.id === id && o.kind === 'file' && o.detail === tiny));

    const posted = nextPosted('tokens', (p) => p.text === 'abc ab');
    await fromWebview({ type: 'tokenize', payload: { text: 'abc ab' } });
    assert.deepEqual((await posted).chips.map((c) => c.id), [4, 3]);
    await fromWebview({ type: 'chooseTokenizer', payload: { id: 'builtin:r50k_base' } });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a reopened panel tokenizes the text its webview saved, under the tokenizer it saved', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('llmPipeline.tokenizeSelection');
    const restored = nextPosted('tokens', (p) => p.text === 'restored text');
    const state = {
      text: 'restored text',
      tokenizer: 'builtin:r50k_base',
      tab: 'tokens',
      compare: [],
      bpeWord: '',
      chat: { messages: [], template: '', addGenerationPrompt: true },
    };
    await fromWebview({ type: 'chooseTokenizer', payload: { id: 'builtin:o200k_base' } });
    await fromWebview({ type: 'ready', payload: { state } });
    const result = await restored;
    assert.equal(result.tokenizer, 'builtin:r50k_base');
    assert.deepEqual(result.chips.map((c) => c.id), tiktoken('builtin:r50k_base').encode('restored text'));
  });

  test('BPE step by step ends at the tokenizer\'s own encoding of the word (GPT-2)', async () => {
    await fromWebview({ type: 'chooseTokenizer', payload: { id: 'builtin:r50k_base' } });
    const trace = nextPosted('bpe', (p) => p.word === ' tokenizer' && p.tokenizer === 'builtin:r50k_base');
    await fromWebview({ type: 'bpe', payload: { word: ' tokenizer' } });
    const { pieces, error } = await trace;
    assert.equal(error, undefined);
    assert.equal(pieces.length, 1, 'GPT-2 keeps " tokenizer" as one pre-tokenized piece');
    const [piece] = pieces;
    assert.deepEqual(piece.initial.map((p) => p.text), [...' tokenizer'], 'step 0: one part per byte');
    assert.equal(piece.steps.length, ' tokenizer'.length - 2, 'each merge joins two parts: 10 bytes to 2 tokens');
    for (const step of piece.steps) {
      assert.equal(step.parts.map((p) => p.text).join(''), ' tokenizer', 'merging never changes the text');
      assert.equal(step.parts[step.mergedAt].text, step.left + step.right);
    }
    const ranks = piece.steps.map((s) => s.rank);
    assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b), 'in this word the merges apply in rank order');
    assert.deepEqual(piece.result.map((p) => p.id), tiktoken('builtin:r50k_base').encode(' tokenizer'));
  });

  test('a chat template renders with its special tokens and flags look-alikes the tokenizer lacks', async () => {
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'What is a token?' },
    ];
    const plain = nextPosted('chat', (p) => p.template === 'plain-text');
    await fromWebview({ type: 'chat', payload: { messages, template: 'plain-text', addGenerationPrompt: true } });
    const rendered = await plain;
    const text = rendered.segments.map((s) => s.text).join('');
    assert.equal(text, '<|endoftext|>Be brief.<|endoftext|>What is a token?');
    assert.deepEqual(rendered.segments.filter((s) => s.specialId !== undefined).map((s) => s.specialId), [50256, 50256]);
    assert.equal(rendered.tokenCount, tiktoken('builtin:r50k_base').encode(text, 'all').length);

    // GPT-2 has no <|im_start|>: ChatML's markers become plain text, and the panel says so.
    const chatml = nextPosted('chat', (p) => p.template === 'chatml');
    await fromWebview({ type: 'chat', payload: { messages, template: 'chatml', addGenerationPrompt: true } });
    const problems = (await chatml).problems.map((p) => p.message);
    assert.ok(problems.some((m) => m.includes('<|im_start|>') && m.includes('looks like a special token')), problems.join('\n'));
  });
});
