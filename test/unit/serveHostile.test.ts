// 100 hostile requests against the API server, then a normal one that must succeed: each hostile
// one gets its own HTTP status and an OpenAI-style error object (or, for a client that leaves or
// stops reading, costs only its own connection), and the server keeps serving.

import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { MODEL_ID, sseEvents, startServeFixture, TOKEN, type ServeFixture } from './serveFixture';

interface Hostile {
  readonly name: string;
  readonly endpoint: string;
  readonly body: unknown;
  readonly status: number;
  /** The error's `param`, where the request had a bad field. */
  readonly param?: string;
  readonly token?: string | null;
}

const completion = (fields: Record<string, unknown>) => ({ model: MODEL_ID, prompt: 'Once', ...fields });
const chat = (fields: Record<string, unknown>) => ({ model: MODEL_ID, messages: [{ role: 'user', content: 'Hi' }], ...fields });

const KINDS: readonly Hostile[] = [
  { name: 'malformed JSON', endpoint: '/completions', body: '{"model": "tinystories-1m", "prompt": ', status: 400 },
  { name: 'a JSON list as body', endpoint: '/chat/completions', body: '[1, 2]', status: 400, param: 'body' },
  { name: 'null body', endpoint: '/completions', body: 'null', status: 400, param: 'body' },
  { name: 'max_tokens as a string', endpoint: '/completions', body: completion({ max_tokens: '10' }), status: 400, param: 'max_tokens' },
  { name: 'negative max_tokens', endpoint: '/completions', body: completion({ max_tokens: -5 }), status: 400, param: 'max_tokens' },
  { name: 'huge max_tokens', endpoint: '/chat/completions', body: chat({ max_tokens: 1e12 }), status: 400, param: 'max_tokens' },
  { name: 'fractional max_tokens', endpoint: '/completions', body: completion({ max_tokens: 2.5 }), status: 400, param: 'max_tokens' },
  { name: 'temperature as text', endpoint: '/completions', body: completion({ temperature: 'hot' }), status: 400, param: 'temperature' },
  { name: 'temperature out of range', endpoint: '/chat/completions', body: chat({ temperature: 9 }), status: 400, param: 'temperature' },
  { name: 'top_p of zero', endpoint: '/completions', body: completion({ top_p: 0 }), status: 400, param: 'top_p' },
  { name: 'stop as a number', endpoint: '/completions', body: completion({ stop: 5 }), status: 400, param: 'stop' },
  { name: 'five stop strings', endpoint: '/completions', body: completion({ stop: ['a', 'b', 'c', 'd', 'e'] }), status: 400, param: 'stop' },
  { name: 'n = 3', endpoint: '/chat/completions', body: chat({ n: 3 }), status: 400, param: 'n' },
  { name: 'stream as a string', endpoint: '/completions', body: completion({ stream: 'yes' }), status: 400, param: 'stream' },
  { name: 'too many logprobs', endpoint: '/completions', body: completion({ logprobs: 500 }), status: 400, param: 'logprobs' },
  { name: 'top_logprobs without logprobs', endpoint: '/chat/completions', body: chat({ top_logprobs: 3 }), status: 400, param: 'top_logprobs' },
  { name: 'messages as a string', endpoint: '/chat/completions', body: chat({ messages: 'hello' }), status: 400, param: 'messages' },
  { name: 'a message with an unknown role', endpoint: '/chat/completions', body: chat({ messages: [{ role: 'wizard', content: 'x' }] }), status: 400, param: 'messages[0].role' },
  { name: 'an image part', endpoint: '/chat/completions', body: chat({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }] }), status: 400, param: 'messages[0].content' },
  { name: 'prompt as an object', endpoint: '/completions', body: completion({ prompt: { text: 'x' } }), status: 400, param: 'prompt' },
  { name: 'token ids outside the vocabulary', endpoint: '/completions', body: completion({ prompt: [1, 2, 999999] }), status: 400, param: 'prompt' },
  { name: 'an empty prompt', endpoint: '/completions', body: completion({ prompt: '' }), status: 400, param: 'prompt' },
  { name: 'an unknown model', endpoint: '/completions', body: completion({ model: 'gpt-9' }), status: 404, param: 'model' },
  { name: 'no model', endpoint: '/chat/completions', body: { messages: [{ role: 'user', content: 'x' }] }, status: 400, param: 'model' },
  { name: 'a prompt longer than the context', endpoint: '/completions', body: completion({ prompt: 'the cat sat on the mat. '.repeat(200) }), status: 400, param: 'prompt' },
  { name: 'a body over 1 MiB', endpoint: '/completions', body: completion({ prompt: 'x'.repeat(1_100_000) }), status: 413 },
  { name: 'no token', endpoint: '/completions', body: completion({}), status: 401, token: null },
  { name: 'a wrong token', endpoint: '/chat/completions', body: chat({}), status: 401, token: `${TOKEN}x` },
  { name: 'an unknown endpoint', endpoint: '/embeddings', body: { model: MODEL_ID, input: 'x' }, status: 404 },
];

/** A streaming request whose client never reads: the socket is paused once the request is sent. */
function nonReadingClient(port: number): net.Socket {
  const body = JSON.stringify(completion({ max_tokens: 200, stream: true }));
  const socket = net.connect(port, '127.0.0.1');
  socket.write(`POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  socket.pause();
  return socket;
}

/** A streaming request whose client hangs up as soon as the first event arrives. */
function leavingClient(port: number): Promise<void> {
  const body = JSON.stringify(completion({ max_tokens: 200, stream: true }));
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });
    socket.once('data', () => {
      socket.destroy();
      resolve();
    });
  });
}

describe('API server under 100 hostile requests', () => {
  let fx: ServeFixture;
  before(async () => {
    fx = await startServeFixture();
  });
  after(async () => fx?.close());

  it('answers each with its status and an OpenAI error, then serves a normal request', async () => {
    const stalled: net.Socket[] = [];
    let leaving = 0;
    for (let i = 0; i < 100; i++) {
      // Every tenth request is a client that stops reading or hangs up; the rest bad requests in turn.
      if (i % 10 === 4) {
        stalled.push(nonReadingClient(fx.server.port));
        continue;
      }
      if (i % 10 === 9) {
        await leavingClient(fx.server.port);
        leaving++;
        continue;
      }
      const hostile = KINDS[i % KINDS.length];
      const response = await fx.post(hostile.endpoint, hostile.body, hostile.token);
      assert.equal(response.status, hostile.status, hostile.name);
      const { error } = (await response.json()) as { error: { message: string; type: string; param: string | null } };
      assert.ok(error.message.length > 0 && typeof error.type === 'string', hostile.name);
      if (hostile.param) assert.equal(error.param, hostile.param, hostile.name);
    }

    // With ten clients still not reading, a normal request is served in full.
    const response = await fx.post('/completions', completion({ max_tokens: 8, stream: true, seed: 1 }));
    assert.equal(response.status, 200);
    const events = await sseEvents(response);
    const last = events.at(-1) as { choices: Array<{ finish_reason: string }> };
    assert.equal(last.choices[0].finish_reason, 'length');
    assert.equal(stalled.length, 10);
    for (const socket of stalled) socket.destroy();

    // Each client that hung up cancelled its own generation: its request ended without a count of
    // tokens generated (a finished one has one). Its entry is logged once its next step has seen the abort.
    const cancelled = () => fx.log.filter((e) => e.error === 'the client disconnected');
    while (cancelled().length < leaving) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(cancelled().every((e) => e.completionTokens === undefined));
  });
});
