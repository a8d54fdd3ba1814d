// The Tokenize Selection keybinding must not take a key VS Code already uses by default. The
// default keybindings come from the running workbench itself (its "Default Keyboard Shortcuts"
// document, for this platform: Linux here), so the check follows the VS Code version under test.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'llm-pipeline-lab.llm-pipeline-lab';

interface Keybinding {
  readonly key: string;
  readonly command: string;
  readonly mac?: string;
}

/** The JSON of VS Code's default keybindings, without its comments. */
async function defaultKeybindings(): Promise<Keybinding[]> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.parse('vscode://defaultsettings/keybindings.json'));
  const json = document.getText().replace(/^\s*\/\/.*$/gm, '');
  return JSON.parse(json) as Keybinding[];
}

suite('Tokenizer keybinding', () => {
  test('no default VS Code keybinding uses the Tokenize Selection key', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    const ours = (extension.packageJSON.contributes.keybindings as Keybinding[]).find((k) => k.command === 'llmPipeline.tokenizeSelection');
    assert.ok(ours, 'package.json binds a key to llmPipeline.tokenizeSelection');
    const defaults = await defaultKeybindings();
    assert.ok(defaults.length > 100, `the default keybindings were read (${defaults.length})`);
    // The document lists the extensions' keybindings too, this one included.
    const clashes = defaults.filter((k) => k.key.toLowerCase() === ours.key.toLowerCase() && k.command !== ours.command && !k.command.startsWith('-'));
    assert.deepEqual(clashes.map((k) => k.command), [], `${ours.key} is already bound by default`);
  });
});
