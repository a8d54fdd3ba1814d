// Workspace Trust granted while the extension runs (npm run test:integration -- --untrusted): a RAG
// folder attached in an earlier, trusted session is not watched in Restricted Mode, and its watching
// starts when the user trusts the workspace, without a reload. The harness presses Trust in the
// Workspace Trust editor on this test's request. The window stays trusted afterwards, so this file
// runs after workspaceTrust.untrusted.test.ts (the bootstrap runs files in name order).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { IndexWorkerHost } from '../../extension/engine/rag/indexWorkerHost';
import type { ExtensionTestApi } from '../../extension/extension';
import { ActiveModel } from '../../extension/model/activeModel';
import { RagFolders, type RagFolderChange } from '../../extension/rag/ragFolders';
import { RagPartsCache } from '../../extension/rag/ragParts';
import { GRANT_TRUST_REQUEST } from './index';

const EXTENSION_ID = 'llm-pipeline-lab.llm-pipeline-lab';
/** The workspace-state key under which RagFolders remembers the attached roots. */
const ATTACHED_KEY = 'llmPipeline.rag.folders';

/** A Memento kept in memory: the state an earlier session left. */
class MemoryMemento implements vscode.Memento {
  constructor(private readonly values: Map<string, unknown>) {}
  keys(): readonly string[] {
    return [...this.values.keys()];
  }
  get<T>(key: string, defaultValue?: T): T | undefined {
    return this.values.has(key) ? (this.values.get(key) as T) : defaultValue;
  }
  update(key: string, value: unknown): Thenable<void> {
    this.values.set(key, value);
    return Promise.resolve();
  }
}

/** Resolves with the first change of `folders` that `accept` takes. */
function nextChange(folders: RagFolders, accept: (change: RagFolderChange) => boolean): Promise<RagFolderChange> {
  return new Promise((resolve) => {
    const listener = folders.onDidChange((change) => {
      if (!accept(change)) return;
      listener.dispose();
      resolve(change);
    });
  });
}

suite('Workspace Trust: granted while the extension runs', () => {
  test('a RAG folder attached before is watched once the workspace is trusted: a saved edit is re-indexed', async function () {
    this.timeout(120_000);
    const extension = vscode.extensions.getExtension<ExtensionTestApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    await extension.activate();
    assert.equal(vscode.workspace.isTrusted, false, 'the run opened its workspace trusted: run it with --untrusted');
    const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(workspace, 'the test window has a workspace folder');
    const root = path.join(workspace, `trust-grant-${Date.now()}`);
    fs.mkdirSync(root);
    const file = path.join(root, 'keeper.md');
    fs.writeFileSync(file, 'The keeper trims the wick at dusk.\n');

    // The extension's own RagFolders, built as activate() builds it, over a workspace state that
    // lists `root` as attached (as a trusted session leaves it) and a storage folder of its own.
    const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'llm-lab-trust-'));
    const context = {
      extensionUri: vscode.Uri.file(extension.extensionPath),
      asAbsolutePath: (relative: string) => path.join(extension.extensionPath, relative),
      globalState: new MemoryMemento(new Map()),
      workspaceState: new MemoryMemento(new Map([[ATTACHED_KEY, [root]]])),
      globalStorageUri: vscode.Uri.file(storage),
    } as unknown as vscode.ExtensionContext;
    const model = new ActiveModel(context);
    const parts = new RagPartsCache(model);
    const worker = new IndexWorkerHost(context.asAbsolutePath('dist/ragWorker.js'));
    const folders = new RagFolders(context, parts, worker);
    try {
      assert.deepEqual(folders.roots, [root]);
      await assert.rejects(folders.index(root), /untrusted workspace/, 'the folder was indexed in Restricted Mode');

      // The user trusts the workspace: Workspaces: Manage Workspace Trust, then Trust.
      const granted = new Promise<void>((resolve) => {
        const listener = vscode.workspace.onDidGrantWorkspaceTrust(() => {
          listener.dispose();
          resolve();
        });
      });
      await vscode.commands.executeCommand('workbench.trust.manage');
      console.log(GRANT_TRUST_REQUEST);
      await granted;
      assert.equal(vscode.workspace.isTrusted, true);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

      const index = await folders.index(root);
      assert.equal(index.summary.files, 1);
      assert.ok((await folders.chunksOf(root, 'keeper.md')).length > 0, 'keeper.md is the one file indexed');
      // An edit saved in the editor reaches an index only through a watched folder.
      const updated = nextChange(folders, (change) => change.kind === 'updated' && change.file === 'keeper.md');
      const document = await vscode.workspace.openTextDocument(file);
      const edit = new vscode.WorkspaceEdit();
      edit.insert(document.uri, document.positionAt(document.getText().length), 'Gannets dive past the lantern at noon.\n');
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.ok(await document.save());
      await updated;
      const texts = (await folders.chunksOf(root, 'keeper.md')).map((chunk) => chunk.text).join('\n');
      assert.match(texts, /Gannets dive past the lantern/);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      folders.dispose();
      worker.dispose();
      parts.dispose();
      model.dispose();
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(storage, { recursive: true, force: true });
    }
  });
});
