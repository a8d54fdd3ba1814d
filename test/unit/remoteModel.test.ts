// The decoding playground's remote model: the next-token distribution an OpenAI-compatible server
// shows through top_logprobs, stepped through with the engine's own decode loop. Checked against
// this extension's server (whose model also runs here, for the exact figures) and against a fake
// server answering in llama.cpp's shape (choices[0].logprobs.content[0].top_logprobs).

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { startDecoding, stepOnce } from '../../extension/engine/generate/decodeSession';
import { generate } from '../../extension/engine/generate/generate';
import { logSoftmax, softmax } from '../../extension/engine/generate/probabilities';
import { topIndices } from '../../extension/engine/generate/ranking';
import { RemoteLanguageModel } from '../../extension/engine/remote/remoteLanguageModel';
import { listRemoteModels, parseTopLogprobs } from '../../extension/engine/remote/topLogprobs';
import { MODEL_ID, startServeFixture, TOKEN, type ServeFixture } from './serveFixture';

const LLAMACPP = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/remote/llamacpp-completion.json'), 'utf8'));

describe('remote model through top_logprobs', () => {
  describe("this extension's server", () => {
    let fx: ServeFixture;
    before(async () => {
      fx = await startServeFixture();
    });
    after(async () => fx?.close());

    it('lists the model and shows the top 20 next tokens with the probabilities the model gives them', async () => {
      assert.deepEqual(await listRemoteModels(fx.server.url, TOKEN), [MODEL_ID]);
      const remote = new RemoteLanguageModel({ url: fx.server.url, token: TOKEN, model: MODEL_ID });
      const prompt = 'Once upon a time, there was a';
      const { logits } = await remote.forward([remote.textToken(prompt)]);

      const ids = fx.served.tokenizer.encodeIds(prompt, { addSpecialTokens: true });
      const local = logSoftmax((await fx.served.model.forward(ids)).logits);
      const top = topIndices(local, 20);
      const shown = topIndices(logits, 20);
      assert.deepEqual(shown.map((id) => remote.vocabulary.text(id)), top.map((id) => fx.served.tokenizer.decode([id])));
      // Renormalised over the 20 shown: p_i = exp(lp_i) / Σ exp(lp_j).
      const mass = top.reduce((sum, id) => sum + Math.exp(local[id]), 0);
      const probabilities = softmax(logits);
      shown.forEach((id, i) => assert.ok(Math.abs(probabilities[id] - Math.exp(local[top[i]]) / mass) < 1e-5));
    });

    it('steps greedily to the same text as local greedy decoding', async () => {
      const remote = new RemoteLanguageModel({ url: fx.server.url, token: TOKEN, model: MODEL_ID });
      const prompt = 'Once upon a time';
      let state = await startDecoding(remote, [remote.textToken(prompt)], { sampler: { temperature: 0 }, maxNewTokens: 6, topN: 5 });
      while (!state.finishReason) state = (await stepOnce(state)).state;
      const ids = fx.served.tokenizer.encodeIds(prompt, { addSpecialTokens: true });
      const local = await generate(fx.served.model, ids, { sampler: { temperature: 0 }, maxNewTokens: 6, decode: (t) => fx.served.tokenizer.decode(t) });
      assert.equal(remote.decode(state.generated), local.text);
    });

    it('reports a wrong token as the server words it', async () => {
      const remote = new RemoteLanguageModel({ url: fx.server.url, token: 'wrong-token-0000', model: MODEL_ID });
      await assert.rejects(remote.forward([remote.textToken('Hi')]), /HTTP 401: missing or wrong API token/);
    });
  });

  describe("a server answering in llama.cpp's shape", () => {
    let server: http.Server;
    let url: string;
    const received: Array<Record<string, unknown>> = [];
    before(async () => {
      server = http.createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          received.push({ path: req.url, authorization: req.headers.authorization, ...(body ? JSON.parse(body) : {}) });
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(req.url === '/v1/models' ? { object: 'list', data: [{ id: LLAMACPP.model, object: 'model' }] } : LLAMACPP));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    });
    after(() => server.close());

    it('reads the chat-style list of alternatives', () => {
      assert.deepEqual(parseTopLogprobs(LLAMACPP)?.map((a) => a.token), [' little', ' big', ' girl', ' boy']);
      assert.equal(parseTopLogprobs({ choices: [{ text: 'x', logprobs: null }] }), undefined);
    });

    it('asks for one token with 20 alternatives and shows them renormalised', async () => {
      assert.deepEqual(await listRemoteModels(url, 'secret'), [LLAMACPP.model]);
      const remote = new RemoteLanguageModel({ url, token: 'secret', model: LLAMACPP.model });
      const { logits } = await remote.forward([remote.textToken('Once upon a time, there was a')]);
      const sent = received.at(-1) ?? {};
      assert.equal(sent.authorization, 'Bearer secret');
      assert.deepEqual([sent.path, sent.max_tokens, sent.logprobs, sent.prompt], ['/v1/completions', 1, 20, 'Once upon a time, there was a']);
      // exp(-0.916) = 0.4, exp(-1.609) = 0.2, exp(-2.303) = 0.1, exp(-2.996) = 0.05: 0.75 shown in all.
      const probabilities = softmax(logits);
      const little = remote.vocabulary.idOf(' little');
      assert.ok(Math.abs(probabilities[little] - 0.4 / 0.75) < 1e-5);
      assert.equal(probabilities.filter((p) => p > 0).length, 4);
    });
  });
});
