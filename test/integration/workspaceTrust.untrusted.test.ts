// Workspace Trust in a real extension host: run by `npm run test:integration -- --untrusted`, which
// opens the workspace in Restricted Mode (trust on, the folder in no trusted list, no prompt).
// Attaching a folder for RAG reads every file in it, so it is refused; a model folder inside the
// workspace is not loaded; the settings the manifest restricts are ignored when a workspace sets them.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GPTConfig } from '../../extension/engine/gpt/config';
import { randomWeights } from '../../extension/engine/gpt/randomWeights';
import { writeModelFolder } from '../../extension/engine/modelFolder/writeModelFolder';
import { indexFolderFor } from '../../extension/engine/rag/indexStore';
import type { ExtensionTestApi } from '../../extension/extension';
import { byteLevelTokenizerJson } from '../unit/modelFolderFixtures';

const EXTENSION_ID = 'llm-pipeline-lab.llm-pipeline-lab';
const CONFIG: GPTConfig = { n_layer: 1, n_head: 2, n_embd: 16, n_positions: 64, vocab_size: 257, layer_norm_epsilon: 1e-5 };

suite('Workspace Trust: a workspace in Restricted Mode', () => {
  let api: ExtensionTestApi;
  let workspace: string;

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<ExtensionTestApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
    assert.equal(vscode.workspace.isTrusted, false, 'the run opened its workspace trusted: run it with --untrusted');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder, 'the test window has a workspace folder');
    workspace = folder;
  });

  test('Attach RAG Folder is refused: nothing is indexed or attached', async () => {
    const notes = path.join(workspace, 'notes');
    fs.mkdirSync(notes, { recursive: true });
    fs.writeFileSync(path.join(notes, 'lamp.md'), 'The paraffin for the lamp arrives by boat on Thursdays.\n');
    const report = await vscode.commands.executeCommand('llmPipeline.attachRagFolder', vscode.Uri.file(notes));
    assert.equal(report, undefined, 'an index report for a folder of an untrusted workspace');
    const userData = process.env.LLM_LAB_TEST_USER_DATA;
    assert.ok(userData, 'LLM_LAB_TEST_USER_DATA is not set: run the suite with npm run test:integration');
    const store = indexFolderFor(path.join(userData, 'User', 'globalStorage', EXTENSION_ID), notes);
    assert.equal(fs.existsSync(store), false, `an index was written at ${store}`);
    assert.equal(await vscode.commands.executeCommand('llmPipeline.askRagFolder', { question: 'paraffin', generate: false }), undefined, 'a question retrieved from it');
  });

  test('a model folder inside the workspace is not loaded, and the active model stays as it was', async () => {
    const before = api.attention.model.folder;
    const inside = path.join(workspace, 'models', 'tiny-gpt2');
    writeModelFolder(inside, { config: CONFIG, weights: randomWeights(CONFIG, 3), tokenizerJson: byteLevelTokenizerJson() });
    assert.equal(await vscode.commands.executeCommand('llmPipeline.chooseModelFolder', vscode.Uri.file(inside)), undefined);
    assert.equal(api.attention.model.folder, before);
  });

  test('the restricted settings a workspace sets are ignored; an unrestricted one still applies', async () => {
    const config = () => vscode.workspace.getConfiguration('llmPipeline');
    for (const [key, value] of [['tokenizer.maxSelectionBytes', 2048], ['rag.maxFileBytes', 2048], ['rag.embeddingModel', path.join(workspace, 'models')]] as const) {
      await config().update(key, value, vscode.ConfigurationTarget.Workspace);
      try {
        // Written to the workspace's settings file, but not read from it in Restricted Mode.
        const written = JSON.parse(fs.readFileSync(path.join(workspace, '.vscode', 'settings.json'), 'utf8')) as Record<string, unknown>;
        assert.deepEqual(written[`llmPipeline.${key}`], value, `the workspace's ${key} was written`);
        assert.deepEqual(config().get(key), config().inspect(key)?.defaultValue, `the workspace's ${key} is in effect`);
      } finally {
        await config().update(key, undefined, vscode.ConfigurationTarget.Workspace);
      }
    }
    // A setting outside the restricted list is taken from the workspace as usual (the control).
    await config().update('rag.chunkSize', 321, vscode.ConfigurationTarget.Workspace);
    try {
      assert.equal(config().get('rag.chunkSize'), 321);
    } finally {
      await config().update('rag.chunkSize', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
