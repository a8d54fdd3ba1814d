// Hostile tokenizer files opened in the tokenizer panel of a real extension host (issue 17): a
// Split pattern that backtracks for seconds and a chat template that loops over range(10**9).
// Both are answered with a message naming the file within 5 s, and the host's event loop keeps
// turning meanwhile (the longest stall of a 20 ms timer is measured). The same attack in a model
// folder, opened in the attention and decoding panels, is hostileModelFolder.test.ts.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { bytesToVocabString } from '../../extension/engine/tokenizer/byteLevel';
import type { ExtensionTestApi } from '../../extension/extension';
import { stallProbe } from './stallProbe';
import { TOKENIZER_VIEW_TYPE, type TokenizerNotification, type TokenizerRequest } from '../../webviews/tokenizer/protocol';
import { panelMessages } from './panelMessages';

const EXTENSION_ID = 'llm-pipeline-lab.llm-pipeline-lab';
/** The bound for any hostile input. */
const BOUND_MS = 5_000;
/** A stall longer than this would be felt as a frozen editor. */
const STALL_LIMIT_MS = 1_000;

let api: ExtensionTestApi;

const nextPosted = panelMessages<TokenizerNotification>(() => api, TOKENIZER_VIEW_TYPE, 'the tokenizer panel');

function fromWebview(message: TokenizerRequest): Promise<number> {
  return api.panels.sendFromWebview(TOKENIZER_VIEW_TYPE, message);
}

/** A byte-level tokenizer whose pre-tokenizer is the backtracking pattern, with a looping chat template. */
function writeHostileTokenizer(dir: string): string {
  const vocab: Record<string, number> = {};
  for (let b = 0; b < 256; b++) vocab[bytesToVocabString([b])] = b;
  vocab['<|endoftext|>'] = 256;
  fs.writeFileSync(
    path.join(dir, 'tokenizer.json'),
    JSON.stringify({
      added_tokens: [{ id: 256, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: true, special: true }],
      pre_tokenizer: { type: 'Split', pattern: { Regex: '(a+)+$' }, behavior: 'Isolated', invert: false },
      model: { type: 'BPE', vocab, merges: [] },
    }),
  );
  fs.writeFileSync(
    path.join(dir, 'tokenizer_config.json'),
    JSON.stringify({ bos_token: '<|endoftext|>', eos_token: '<|endoftext|>', chat_template: '{% for i in range(10**9) %}{{ i }}{% endfor %}' }),
  );
  return path.join(dir, 'tokenizer.json');
}

suite('Hostile tokenizer files in the panel', () => {
  let dir: string;
  let before: string;
  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<ExtensionTestApi>(EXTENSION_ID)!.activate();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llm-lab-hostile-'));
    before = api.tokenizer.activeTokenizer();
    // Editors left open by earlier suites would have the panel follow their selections (and the
    // status bar count them) under the hostile tokenizer, replacing the request this test times.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
  suiteTeardown(async () => {
    // The tokenizer active before, so that the other suites find the default they expect.
    await fromWebview({ type: 'chooseTokenizer', payload: { id: before } }).catch(() => undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a backtracking Split pattern and a range(10**9) template are stopped, naming their files, while the host keeps turning', async () => {
    // The panel opens with no editor at all: it follows editors' selections, and a selection's
    // follow-up (or one still queued from an earlier suite) would replace the request timed here.
    // Every text it tokenizes is typed.
    assert.equal(vscode.window.visibleTextEditors.length, 0, 'no editor is open');
    await vscode.commands.executeCommand('llmPipeline.tokenizeSelection');
    const opened = nextPosted('tokens', (p) => p.text === 'hello');
    await fromWebview({ type: 'tokenize', payload: { text: 'hello' } });
    await opened;
    const file = writeHostileTokenizer(dir);
    const id = `file:${file}`;
    // Choosing a tokenizer tokenizes the panel's text again: that is waited for, so it cannot
    // land after the request timed below.
    const chosen = nextPosted('tokens', (p) => p.text === 'hello' && p.tokenizer === id);
    assert.equal(await vscode.commands.executeCommand('llmPipeline.chooseTokenizer', vscode.Uri.file(file)), id);
    await chosen;
    // The tokenizer worker started and holding this tokenizer: what is measured is the attack alone.
    const warm = nextPosted('tokens', (p) => p.text === 'warm' && p.tokenizer === id);
    await fromWebview({ type: 'tokenize', payload: { text: 'warm' } });
    await warm;

    const probe = stallProbe();
    let started = performance.now();
    const refused = nextPosted('error', (p) => p.message.includes(file));
    // 32 a's: about 2^32 backtracking steps, minutes on any machine (26 finished within the 2 s
    // budget on a fast one).
    await fromWebview({ type: 'tokenize', payload: { text: `${'a'.repeat(32)}b` } });
    const error = await refused;
    const tokenizeMs = performance.now() - started;
    assert.match(error.message, /tokenizing 33 characters took longer than 2\.0 s and was stopped/);

    started = performance.now();
    const rendered = nextPosted('chat', (p) => p.template === 'tokenizer');
    await fromWebview({ type: 'chat', payload: { messages: [{ role: 'user', content: 'hi' }], template: 'tokenizer', addGenerationPrompt: true } });
    const chat = await rendered;
    const chatMs = performance.now() - started;
    const stall = probe.stop();

    assert.equal(chat.problems[0]?.severity, 'error');
    assert.match(chat.problems[0].message, /tokenizer_config\.json: (rendering the chat template needed more than \d+ MB|the chat template did not finish rendering within 2\.0 s)/);
    assert.ok(tokenizeMs < BOUND_MS, `the tokenizer was stopped after ${Math.round(tokenizeMs)} ms`);
    assert.ok(chatMs < BOUND_MS, `the template was stopped after ${Math.round(chatMs)} ms`);
    assert.ok(stall < STALL_LIMIT_MS, `the extension host's event loop stalled for ${Math.round(stall)} ms`);
    console.log(`hostile tokenizer stopped in ${Math.round(tokenizeMs)} ms, hostile template in ${Math.round(chatMs)} ms; longest event-loop stall ${Math.round(stall)} ms`);
  });
});
