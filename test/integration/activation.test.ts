// The extension loads in a real extension host, activates, and registers every command it
// declares in package.json.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'llm-pipeline-lab.llm-pipeline-lab';

interface ContributedCommand {
  readonly command: string;
  readonly title: string;
}

suite('Activation', () => {
  test('the extension is found under its publisher.name id', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded; loaded: ${vscode.extensions.all.map((e) => e.id).filter((id) => !id.startsWith('vscode.')).join(', ')}`);
  });

  test('the extension activates', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    // onStartupFinished may have activated it already; then activate() only waits for that.
    const activeBefore = extension.isActive;
    const started = performance.now();
    await extension.activate();
    const elapsed = performance.now() - started;
    assert.equal(extension.isActive, true);
    const how = activeBefore ? 'already active when the test began' : 'activated by the test';
    console.log(`activation: activate() took ${elapsed.toFixed(0)} ms, ${how} (node ${process.version})`);
  });

  test('every command in contributes.commands is registered', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await extension.activate();
    const contributed = (extension.packageJSON.contributes?.commands ?? []) as ContributedCommand[];
    assert.ok(Array.isArray(contributed), 'contributes.commands is not an array');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c.command)).map((c) => c.command);
    assert.deepEqual(missing, [], `declared in package.json but not registered: ${missing.join(', ')}`);
    console.log(`commands: ${contributed.length} declared, all registered`);
  });
});
