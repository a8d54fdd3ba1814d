// A stream's token events are spliced into one event serialised beforehand (tokenEventJson); each
// must be the very JSON of the whole chunk that streamChunk builds, in both dialects, whatever the
// token's text holds.

import { strict as assert } from 'node:assert';
import { parseChatRequest, parseCompletionRequest } from '../../extension/engine/serve/requestFields';
import { responseHead, streamChunk, tokenEventJson } from '../../extension/engine/serve/responseShapes';
import type { ServedToken } from '../../extension/engine/serve/servedModel';

const TEXTS = ['', ' Lily', 'say "hi"', 'back\\slash', 'line\nbreak\ttab', 'é', '🙂', '\u2028\u2029', '\u0000', '</script>'];

describe('tokenEventJson', () => {
  const requests = {
    completion: parseCompletionRequest({ model: 'tiny "model"', prompt: 'Once', stream: true }),
    chat: parseChatRequest({ model: 'tiny "model"', messages: [{ role: 'user', content: 'Hi' }], stream: true }),
  };
  for (const [dialect, request] of Object.entries(requests)) {
    it(`${dialect}: every token's event is the JSON of streamChunk's whole chunk`, () => {
      const head = responseHead(request);
      const event = tokenEventJson(request, head);
      TEXTS.forEach((delta, i) => {
        const token: ServedToken = { id: i, delta, textOffset: 3 * i };
        assert.equal(event(token), JSON.stringify(streamChunk(request, head, { token })));
        const choice = JSON.parse(event(token)).choices[0];
        assert.equal(dialect === 'chat' ? choice.delta.content : choice.text, delta);
      });
    });

    it(`${dialect}: a token with logprobs gets them in its event`, () => {
      const head = responseHead(request);
      const top = [{ token: ' Lily', logprob: -0.5, bytes: [32, 76, 105, 108, 121] }];
      const token: ServedToken = { id: 7, delta: ' Lily', textOffset: 4, logprobs: { ...top[0], top } };
      const json = tokenEventJson(request, head)(token);
      assert.equal(json, JSON.stringify(streamChunk(request, head, { token })));
      assert.notEqual(JSON.parse(json).choices[0].logprobs, null);
    });
  }
});
