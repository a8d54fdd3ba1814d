// The inference process in a real extension host (issue 17): every ONNX Runtime session of the
// chosen model runs in a child process of the host. Killing that process in the middle of a
// generation (as a native crash in ONNX Runtime would) shows the Decoding Playground an error,
// leaves the host running, and the next generation works, in a new process.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { ExtensionTestApi } from '../../extension/extension';
import { DECODING_VIEW_TYPE, type DecodingNotification, type DecodingRequest } from '../../webviews/decoding/protocol';
import { panelMessages } from './panelMessages';

const EXTENSION_ID = 'llm-pipeline-lab.llm-pipeline-lab';
const PROMPT = 'Once upon a time, there was a little dog named Max. He liked to';

let api: ExtensionTestApi;

const nextPosted = panelMessages<DecodingNotification>(() => api, DECODING_VIEW_TYPE, 'the Decoding Playground');

function fromWebview(message: DecodingRequest): Promise<number> {
  return api.panels.sendFromWebview(DECODING_VIEW_TYPE, message);
}

/** The host's child processes running dist/inferenceWorker.js (Linux: read from /proc). */
function inferenceProcesses(): number[] {
  const host = process.pid;
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return parent === host && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('inferenceWorker.js');
      } catch {
        return false;
      }
    })
    .map(Number);
}

suite('Inference process', () => {
  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<ExtensionTestApi>(EXTENSION_ID)!.activate();
  });
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('killing it in the middle of a generation shows an error, the host lives on, and the next generation works', async function () {
    if (process.platform !== 'linux') this.skip(); // finds the process through /proc
    const document = await vscode.workspace.openTextDocument({ content: `${PROMPT}\n`, language: 'plaintext' });
    const editor = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    editor.selection = new vscode.Selection(new vscode.Position(0, 0), document.positionAt(PROMPT.length));
    const opened = nextPosted('session', (s) => s.generated.length === 0);
    await vscode.commands.executeCommand('llmPipeline.decodingPlayground');
    await opened;
    // The panels' own process: another suite's reference process may still be ending beside it.
    const pid = api.attention.model.inference.pid;
    assert.ok(pid && inferenceProcesses().includes(pid), 'the model runs in an inference process, a child of the extension host');

    // Frozen first, so that the generation's next forward pass is surely in flight when it dies.
    process.kill(pid, 'SIGSTOP');
    const failed = nextPosted('error', () => true);
    const idle = nextPosted('busy', (b) => b === null);
    await fromWebview({ type: 'generate', payload: { count: 20 } });
    // The first step samples and sends its token to the frozen process: give it a moment to be sent.
    await new Promise((resolve) => setTimeout(resolve, 500));
    process.kill(pid, 'SIGKILL');
    const error = await failed;
    await idle;
    assert.match(error.message, /the inference process \(ONNX Runtime\) was killed by SIGKILL/);

    // The host is alive (this test runs in it) and the next generation goes on in a new process.
    const more = nextPosted('session', (s) => s.generated.length >= 3);
    const done = nextPosted('busy', (b) => b === null);
    await fromWebview({ type: 'generate', payload: { count: 3 } });
    await more;
    await done;
    const next = api.attention.model.inference.pid;
    assert.ok(next && next !== pid && inferenceProcesses().includes(next), `a new inference process (${next}) replaced ${pid}`);
  });
});
