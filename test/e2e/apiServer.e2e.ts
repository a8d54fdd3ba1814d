// Step 6 in the real workbench: "Start API Server" from the palette (on a free port, from the
// workspace's settings) and its status-bar item; then "Connect to an
// OpenAI-Compatible Server", which offers the running server with its token, so the Decoding
// Playground draws the served model's top logprobs and steps through them; the status bar
// counts the requests and the output channel logs each one. Screenshots go to test-results/screenshots/.
import * as assert from 'node:assert/strict';
import { e2e } from './framework';

e2e('API server: status bar, the playground connected to it, the request log', async (vs) => {
  await vs.openWorkspace({ 'story.txt': 'Once upon a time, there was a little dog.\n', '.vscode/settings.json': JSON.stringify({ 'llmPipeline.api.port': 0 }) });
  await vs.runCommand('LLM Pipeline: Start API Server');
  const status = vs.page.locator('.statusbar-item', { hasText: /API :\d+ · 0 requests/ });
  await status.waitFor({ timeout: vs.timeoutMs });
  const port = /API :(\d+)/.exec((await status.textContent()) ?? '')?.[1];
  assert.ok(port, 'the status bar shows the port');
  await vs.screenshot('api-server-1-started');

  // The connect command proposes the running server's URL; its token is used without asking.
  await vs.runCommand('LLM Pipeline: Connect to an OpenAI-Compatible Server…');
  // The quick input is the palette's own widget: it holds the command's title until the
  // command's input box takes it over, so wait for the palette's text to go first.
  const input = vs.page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: vs.timeoutMs });
  await vs.page.waitForFunction(() => !document.querySelector<HTMLInputElement>('.quick-input-widget input')?.value.startsWith('>'), undefined, { timeout: vs.timeoutMs });
  assert.equal(await input.inputValue(), `http://127.0.0.1:${port}/v1`);
  await vs.page.keyboard.press('Enter');

  const panel = vs.webview();
  await panel.locator('header', { hasText: 'Remote model tinystories-1m' }).waitFor({ timeout: vs.timeoutMs });
  await panel.locator('probability-bars g.row').nth(19).waitFor({ timeout: vs.timeoutMs });
  assert.equal(await panel.locator('[role=tab]', { hasText: 'KV cache' }).count(), 0, 'the server keeps its KV cache: no tab for it');
  for (let i = 0; i < 3; i++) await panel.locator('vscode-button#next').click();
  await vs.page.locator('.statusbar-item', { hasText: /API :\d+ · [4-9] requests/ }).waitFor({ timeout: vs.timeoutMs });
  await vs.screenshot('api-server-2-remote-decoding');

  const lines = await vs.showOutputChannel('LLM Pipeline Lab');
  await lines.locator('.view-line', { hasText: 'API POST /v1/completions 200' }).first().waitFor({ timeout: vs.timeoutMs });
  await vs.screenshot('api-server-3-request-log');

  // The connection is a user setting: end it, so that the next test's playground runs the local model.
  await vs.runCommand('LLM Pipeline: Disconnect from the OpenAI-Compatible Server');
  await panel.locator('header', { hasText: 'Remote model' }).waitFor({ state: 'detached', timeout: vs.timeoutMs });
});
