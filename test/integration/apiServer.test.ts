// Step 6's API server in a real extension host: "Start API Server" on the bundled model, called
// over HTTP as any client would (the token from SecretStorage), the status bar counting the
// requests, then "Stop API Server" closing the port. Then the Decoding Playground connected to
// that server: its bars are the server's top_logprobs, and "Next" steps through them.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionTestApi } from '../../extension/extension';
import { DECODING_VIEW_TYPE, type DecodingNotification, type SessionView } from '../../webviews/decoding/protocol';

const EXTENSION_ID = 'llm-pipeline-lab.llm-pipeline-lab';

/** The first session view the playground's host posts that passes `accept`. */
function postedSession(api: ExtensionTestApi, accept: (view: SessionView) => boolean): Promise<SessionView> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error('the Decoding Playground posted no such session within 60 s'));
    }, 60_000);
    const listener = api.panels.onDidPostToWebview(({ viewType, message }) => {
      const m = message as DecodingNotification;
      if (viewType !== DECODING_VIEW_TYPE) return;
      if (m.type === 'error' || (m.type === 'session' && accept(m.payload))) {
        clearTimeout(timer);
        listener.dispose();
        if (m.type === 'error') reject(new Error(`the playground posted an error: ${m.payload.message}`));
        else resolve(m.payload);
      }
    });
  });
}

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

  test('the Decoding Playground, connected to the server, draws its top logprobs and steps through them', async () => {
    const address = await vscode.commands.executeCommand<{ url: string } | undefined>('llmPipeline.startApiServer', { port: 0 });
    assert.ok(address);
    const remote = postedSession(api, (view) => view.model.remote !== undefined);
    await vscode.commands.executeCommand('llmPipeline.decodingPlayground');
    await vscode.commands.executeCommand('llmPipeline.connectRemoteServer', { url: address.url, token: await api.apiServer.token(), model: 'tinystories-1m' });
    const first = await remote;
    assert.deepEqual(first.model.remote, { url: address.url, topK: 20 });
    assert.equal(first.candidates.length, 20);
    const total = first.candidates.reduce((sum, c) => sum + c.model, 0);
    assert.ok(Math.abs(total - 1) < 1e-4, 'renormalised over the 20 the server showed');
    assert.ok(first.notices.some((n) => n.includes(address.url)));

    const stepped = postedSession(api, (view) => view.model.remote !== undefined && view.generated.length === 1);
    await api.panels.sendFromWebview(DECODING_VIEW_TYPE, { type: 'next', payload: {} });
    const after = await stepped;
    assert.ok(first.candidates.some((c) => c.token === after.generated[0].token), 'the token taken is one of the bars');

    const local = postedSession(api, (view) => view.model.remote === undefined);
    await vscode.commands.executeCommand('llmPipeline.disconnectRemoteServer');
    assert.equal((await local).model.name, 'tinystories-1m');
    await vscode.commands.executeCommand('llmPipeline.stopApiServer');
  });
});
