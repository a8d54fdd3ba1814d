// The extension loads in a real extension host, activates, and registers every command it
// declares in package.json.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionTestApi } from '../../extension/extension';
import { activationLine } from './activationLine';

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

  // The extension host's own clock (extension/activationClock.ts): printed for
  // `npm run bench -- activation`, which reads this line from several window loads. No timed
  // assertion: the figures must exist, add up and be those of a start-up that happened.
  test('activate() reports how long the start-up took', async () => {
    const extension = vscode.extensions.getExtension<ExtensionTestApi>(EXTENSION_ID);
    assert.ok(extension);
    const { activation } = await extension.activate();
    const { loadMilliseconds, activateMilliseconds, totalMilliseconds, cpuMilliseconds } = activation;
    for (const [name, value] of Object.entries({ loadMilliseconds, activateMilliseconds, totalMilliseconds })) {
      assert.ok(Number.isFinite(value) && value > 0 && value < 600_000, `${name} is ${value}, not a duration in ms`);
    }
    // CPU time is counted in ticks: a short span may show none.
    assert.ok(Number.isFinite(cpuMilliseconds) && cpuMilliseconds >= 0 && cpuMilliseconds < 600_000, `cpuMilliseconds is ${cpuMilliseconds}`);
    assert.ok(Math.abs(loadMilliseconds + activateMilliseconds - totalMilliseconds) < 1e-6, 'the parts do not add up to the total');
    console.log(activationLine(activation));
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
