// Step 6's API server in a real extension host: "Start API Server" on the bundled model, called
// over HTTP as any client would (the token from SecretStorage), the status bar counting the
// requests, then "Stop API Server" closing the port.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionTestApi } from '../../extension/extension';

const EXTENSION_ID = 'llm-pipeline-lab.llm-pipeline-lab';

suite('API server (Step 6)', () => {
  let api: ExtensionTestApi;

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<ExtensionTestApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
  });

  suiteTeardown(() => vscode.commands.executeCommand('llmPipeline.stopApiServer'));

  test('starts from the command, answers OpenAI requests with the stored token, counts them, and stops', async () => {
    assert.equal(api.apiServer.address, undefined, 'the server is off until started');
    const address = await vscode.commands.executeCommand<{ url: string; port: number; model: string } | undefined>('llmPipeline.startApiServer', { port: 0 });
    assert.ok(address, 'the server started');
    assert.match(address.url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    assert.equal(address.model, 'tinystories-1m');
    const token = await api.apiServer.token();
    assert.equal(await api.apiServer.token(), token, 'the token is kept, not made again');

    const unauthorized = await fetch(`${address.url}/models`);
    assert.equal(unauthorized.status, 401);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const models = (await (await fetch(`${address.url}/models`, { headers })).json()) as { data: Array<{ id: string }> };
    assert.deepEqual(models.data.map((m) => m.id), ['tinystories-1m']);
    const chat = await fetch(`${address.url}/chat/completions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: 'tinystories-1m', messages: [{ role: 'user', content: 'Once upon a time' }], max_tokens: 8, seed: 1 }),
    });
    assert.equal(chat.status, 200);
    const body = (await chat.json()) as { choices: Array<{ message: { content: string } }>; usage: { completion_tokens: number } };
    assert.ok(body.usage.completion_tokens > 0);
    assert.equal(typeof body.choices[0].message.content, 'string');

    // Three requests answered: the status bar says so once the last one's log entry arrived.
    for (let i = 0; i < 100 && api.apiServer.requests < 3; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(api.apiServer.requests, 3);
    assert.match(api.apiServer.statusText, new RegExp(`:${address.port} · 3 requests`));

    await vscode.commands.executeCommand('llmPipeline.stopApiServer');
    assert.equal(api.apiServer.address, undefined);
    let refused = false;
    for (let i = 0; i < 100 && !refused; i++) {
      refused = await fetch(`${address.url}/models`, { headers }).then(() => false, () => true);
      if (!refused) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(refused, 'the port is closed after Stop API Server');
  });
});
