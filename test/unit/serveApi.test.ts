// The OpenAI-compatible server over plain HTTP, on the bundled model. What it answers is checked
// against the engine run directly: the same seed gives the same text as generate(), and each
// logprob is log softmax of the model's own logits for that position.

import { strict as assert } from 'node:assert';
import { generate } from '../../extension/engine/generate/generate';
import { logSoftmax } from '../../extension/engine/generate/probabilities';
import { MODEL_ID, sseEvents, startServeFixture, TOKEN, type ServeFixture } from './serveFixture';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are OpenAI's JSON, read field by field by the assertions
type Json = Record<string, any>;

describe('API server (plain HTTP)', () => {
  let fx: ServeFixture;
  before(async () => {
    fx = await startServeFixture();
  });
  after(async () => fx?.close());

  it('refuses a request without the bearer token, or with a wrong one, with 401', async () => {
    for (const token of [null, 'wrong-token-000000']) {
      const response = await fx.post('/completions', { model: MODEL_ID, prompt: 'Hi' }, token);
      assert.equal(response.status, 401);
      assert.equal(response.headers.get('www-authenticate'), 'Bearer');
      assert.equal(((await response.json()) as Json).error.type, 'authentication_error');
    }
    const models = await fetch(`${fx.server.url}/models`);
    assert.equal(models.status, 401);
  });

  it('lists the one model it serves', async () => {
    const response = await fetch(`${fx.server.url}/models`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const body = (await response.json()) as Json;
    assert.equal(body.object, 'list');
    assert.deepEqual(body.data.map((m: Json) => m.id), [MODEL_ID]);
    assert.ok(fx.server.url.startsWith('http://127.0.0.1:'));
  });

  it('completes a prompt as generate() does with the same seed, with usage and logprobs from the model', async () => {
    const prompt = 'Once upon a time';
    const response = await fx.post('/completions', { model: MODEL_ID, prompt, max_tokens: 12, temperature: 0.8, top_p: 0.9, seed: 7, logprobs: 3 });
    assert.equal(response.status, 200);
    const body = (await response.json()) as Json;
    const choice = body.choices[0];

    const tokenizer = fx.served.tokenizer;
    const ids = tokenizer.encodeIds(prompt, { addSpecialTokens: true });
    const direct = await generate(fx.served.model, ids, {
      sampler: { temperature: 0.8, topP: 0.9 },
      maxNewTokens: 12,
      seed: 7,
      stopTokenIds: [tokenizer.specialTokens.get('<|endoftext|>') as number],
      decode: (t) => tokenizer.decode(t, { skipSpecialTokens: true }),
    });
    assert.equal(choice.text, direct.text);
    assert.deepEqual(body.usage, { prompt_tokens: ids.length, completion_tokens: direct.tokens.length, total_tokens: ids.length + direct.tokens.length });
    assert.equal(choice.finish_reason, direct.finishReason === 'max-new-tokens' ? 'length' : 'stop');

    // Each token's logprob is log softmax of the logits after everything before it.
    const { logprobs } = choice;
    assert.equal(logprobs.tokens.length, direct.tokens.length);
    let context = [...ids];
    for (let i = 0; i < direct.tokens.length; i++) {
      const expected = logSoftmax((await fx.served.model.forward(context)).logits);
      assert.ok(Math.abs(logprobs.token_logprobs[i] - expected[direct.tokens[i]]) < 1e-4, `token ${i}`);
      const top = Object.values(logprobs.top_logprobs[i]) as number[];
      assert.equal(top.length, 3);
      assert.ok(Math.abs(top[0] - Math.max(...expected)) < 1e-4, 'the first alternative is the most probable token');
      context = [...context, direct.tokens[i]];
    }
    assert.equal(logprobs.tokens.join(''), choice.text);
  });

  it('streams a chat answer whose deltas add up to the answer given without streaming', async () => {
    const request = { model: MODEL_ID, messages: [{ role: 'user', content: 'Tom had a red ball.' }], max_tokens: 10, seed: 3, logprobs: true, top_logprobs: 2 };
    const whole = (await (await fx.post('/chat/completions', request)).json()) as Json;
    assert.equal(whole.object, 'chat.completion');
    assert.equal(whole.choices[0].message.role, 'assistant');
    assert.equal(whole.choices[0].logprobs.content.length, whole.usage.completion_tokens);

    const response = await fx.post('/chat/completions', { ...request, stream: true, stream_options: { include_usage: true } });
    assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const events = (await sseEvents(response)) as Json[];
    assert.deepEqual(events[0].choices[0].delta, { role: 'assistant', content: '' });
    const text = events.map((e) => e.choices[0]?.delta?.content ?? '').join('');
    assert.equal(text, whole.choices[0].message.content);
    const streamedLogprobs = events.flatMap((e) => e.choices[0]?.logprobs?.content ?? []);
    assert.deepEqual(streamedLogprobs, whole.choices[0].logprobs.content);
    assert.equal(events.at(-2)?.choices[0].finish_reason, whole.choices[0].finish_reason);
    assert.deepEqual(events.at(-1)?.usage, whole.usage);
    // The chat template was applied, with the generation prompt: the bundled model's story chat
    // template writes the user's turn after its begin-of-sequence token and opens the answer.
    const rendered = fx.served.tokenizer.encodeIds('<|endoftext|>User: Tom had a red ball.\nAssistant:');
    assert.equal(whole.usage.prompt_tokens, rendered.length);
  });

  it('stops at a stop string and leaves it out of the text', async () => {
    const body = (await (await fx.post('/completions', { model: MODEL_ID, prompt: 'Once upon a time', max_tokens: 60, temperature: 0, stop: ['.'] })).json()) as Json;
    assert.equal(body.choices[0].finish_reason, 'stop');
    assert.ok(!body.choices[0].text.includes('.'));
    assert.ok(body.choices[0].text.length > 0);
  });

  it('logs every request with its status and token counts', () => {
    const ok = fx.log.filter((e) => e.status === 200 && e.path === '/v1/completions');
    assert.ok(ok.length >= 2);
    assert.ok(ok.every((e) => e.promptTokens !== undefined && e.completionTokens !== undefined));
    assert.ok(fx.log.some((e) => e.status === 401 && e.error?.includes('token')));
    assert.equal(fx.server.requests, fx.log.length);
  });
});
