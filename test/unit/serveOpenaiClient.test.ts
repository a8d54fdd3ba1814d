// The API server through the official `openai` npm client: what a user's own program would do.
// Streaming and non-streaming, chat and completions, logprobs, and the errors the client raises
// for a wrong token and a bad field.

import { strict as assert } from 'node:assert';
import OpenAI from 'openai';
import { MODEL_ID, startServeFixture, TOKEN, type ServeFixture } from './serveFixture';

describe('API server through the official openai client', () => {
  let fx: ServeFixture;
  let client: OpenAI;
  before(async () => {
    fx = await startServeFixture();
    client = new OpenAI({ apiKey: TOKEN, baseURL: fx.server.url, maxRetries: 0 });
  });
  after(async () => fx?.close());

  it('lists the model', async () => {
    const models = await client.models.list();
    assert.deepEqual(models.data.map((m) => m.id), [MODEL_ID]);
  });

  it('completes a prompt with logprobs, streamed and not, to the same text for one seed', async () => {
    const request = { model: MODEL_ID, prompt: 'Once upon a time', max_tokens: 10, seed: 5, logprobs: 2 };
    const whole = await client.completions.create(request);
    const tokens = whole.choices[0].logprobs?.tokens ?? [];
    assert.equal(tokens.join(''), whole.choices[0].text);
    assert.ok(whole.choices[0].logprobs?.token_logprobs?.every((lp) => lp <= 0));
    assert.equal(whole.usage?.completion_tokens, tokens.length);

    let streamed = '';
    for await (const chunk of await client.completions.create({ ...request, stream: true })) streamed += chunk.choices[0]?.text ?? '';
    assert.equal(streamed, whole.choices[0].text);
  });

  it('answers a chat, streamed and not, with top logprobs', async () => {
    const request = { model: MODEL_ID, messages: [{ role: 'user' as const, content: 'Lily saw a cat.' }], max_tokens: 8, seed: 2, logprobs: true, top_logprobs: 3 };
    const whole = await client.chat.completions.create(request);
    const content = whole.choices[0].logprobs?.content ?? [];
    assert.equal(content.length, whole.usage?.completion_tokens);
    for (const entry of content) {
      assert.equal(entry.top_logprobs.length, 3);
      assert.ok(entry.logprob <= entry.top_logprobs[0].logprob + 1e-9, 'no token is more probable than the first alternative');
    }

    let streamed = '';
    const streamedLogprobs: number[] = [];
    for await (const chunk of await client.chat.completions.create({ ...request, stream: true })) {
      streamed += chunk.choices[0]?.delta.content ?? '';
      for (const entry of chunk.choices[0]?.logprobs?.content ?? []) streamedLogprobs.push(entry.logprob);
    }
    assert.equal(streamed, whole.choices[0].message.content);
    assert.deepEqual(streamedLogprobs, content.map((c) => c.logprob));
  });

  it('raises the client\'s authentication error for a wrong token, and a 400 naming the field for a bad one', async () => {
    const wrong = new OpenAI({ apiKey: 'not-the-token', baseURL: fx.server.url, maxRetries: 0 });
    await assert.rejects(wrong.models.list(), (error: { status?: number }) => error.status === 401);
    await assert.rejects(client.completions.create({ model: MODEL_ID, prompt: 'x', max_tokens: -1 }), (error: { status?: number; param?: string }) => error.status === 400 && error.param === 'max_tokens');
  });
});
