// The generation loop over a hand-made language model: a table of next-token logits over six
// tokens, whose cache simply records the tokens it has seen.

import { strict as assert } from 'node:assert';
import {
  nextTokenDistribution,
  startDecoding,
  stepOnce,
  type DecodeOptions,
} from '../../extension/engine/generate/decodeSession';
import { generate, generateStream, settledText, type GenerationResult } from '../../extension/engine/generate/generate';
import { argmax } from '../../extension/engine/generate/probabilities';
import type { ForwardResult, KVCache, LanguageModel } from '../../extension/engine/model/languageModel';
import { tokensInCache, type GenerationStep } from '../../extension/engine/generate/decodeSession';

const VOCAB = ['<eos>', 'a', 'b', 'c', ' ', '.'];
const [EOS, A, B, C, SPACE, DOT] = [0, 1, 2, 3, 4, 5];
const decode = (ids: readonly number[]) => ids.map((t) => VOCAB[t]).join('');
const BYTES_PER_TOKEN = 2 * 2 * 4 * 4; // 2 layers × (key, value) × 4 dims × 4 bytes

// Row = previous token. Greedy from "a": a → b → c → . → <eos>.
const BIGRAM_LOGITS = [
  [-5, 2, 1, 0, 0, -1],
  [-5, 0, 2.5, 1, 0.5, -1],
  [-5, 0.5, 0, 2.5, 1, 0],
  [0, 0, 0.5, 0, 1.5, 2.5],
  [-5, 2.5, 1, 1, -3, 0],
  [3, 0, 0, 0, 1, -2],
];

/** Next-token logits after `tokens`: the bigram row, and <eos> grows likelier as the text gets longer. */
function tableLogits(tokens: readonly number[]): Float32Array {
  const logits = Float32Array.from(BIGRAM_LOGITS[tokens[tokens.length - 1]]);
  logits[EOS] += 0.25 * tokens.length;
  return logits;
}

class TokenCache implements KVCache {
  constructor(readonly tokens: readonly number[]) {}
  get length(): number {
    return this.tokens.length;
  }
  get bytes(): number {
    return this.tokens.length * BYTES_PER_TOKEN;
  }
}

class TableModel implements LanguageModel {
  readonly vocabSize = VOCAB.length;
  /** The tokens passed to each forward() call. */
  readonly fed: number[][] = [];
  constructor(readonly contextLength = 64) {}

  async forward(tokens: readonly number[], cache?: KVCache): Promise<ForwardResult> {
    const seen = [...((cache as TokenCache | undefined)?.tokens ?? []), ...tokens];
    if (seen.length > this.contextLength) throw new Error(`context overflow: ${seen.length} > ${this.contextLength}`);
    this.fed.push([...tokens]);
    return { logits: tableLogits(seen), cache: new TokenCache(seen) };
  }
}

const greedy = (extra: Partial<DecodeOptions> = {}): DecodeOptions => ({ sampler: { temperature: 0 }, maxNewTokens: 10, decode, ...extra });

async function collect(stream: AsyncGenerator<GenerationStep, GenerationResult>): Promise<{ yielded: GenerationStep[]; result: GenerationResult }> {
  const yielded: GenerationStep[] = [];
  for (;;) {
    const next = await stream.next();
    if (next.done) return { yielded, result: next.value };
    yielded.push(next.value);
  }
}

describe('generation with a KV cache', () => {
  it('greedy generation equals recomputing the whole sequence without a cache', async () => {
    const model = new TableModel();
    const result = await generate(model, [A, SPACE], greedy({ maxNewTokens: 12 }));
    const sequence = [A, SPACE];
    for (let i = 0; i < 12; i++) sequence.push(argmax(tableLogits(sequence)));
    assert.deepEqual(result.tokens, sequence.slice(2));
    assert.equal(result.text, decode(sequence.slice(2)));
    assert.equal(result.finishReason, 'max-new-tokens');
  });

  it('feeds the prompt once, then each new token once; the cache grows by one per step', async () => {
    const model = new TableModel();
    const prompt = [A, B, SPACE];
    const result = await generate(model, prompt, { sampler: { temperature: 1 }, seed: 5, maxNewTokens: 8 });
    assert.deepEqual(model.fed[0], prompt);
    assert.ok(model.fed.slice(1).every((tokens) => tokens.length === 1));
    assert.deepEqual(model.fed.flat(), [...prompt, ...result.tokens.slice(0, -1)], 'the last token needs no forward');
    result.steps.slice(0, -1).forEach((step, i) => {
      assert.equal(step.cacheLength, prompt.length + i + 1);
      assert.equal(step.cacheBytes, step.cacheLength * BYTES_PER_TOKEN);
    });
  });

  it('the same seed gives the same output twice, another seed another output', async () => {
    const options = (seed: number): DecodeOptions => ({ sampler: { temperature: 1.5 }, seed, maxNewTokens: 15, decode, topN: 5 });
    const first = await generate(new TableModel(), [A], options(1));
    const again = await generate(new TableModel(), [A], options(1));
    assert.deepEqual(again.tokens, first.tokens);
    assert.deepEqual(again.steps.map((s) => s.trace), first.steps.map((s) => s.trace));
    const others = await Promise.all([2, 3, 4].map(async (seed) => (await generate(new TableModel(), [A], options(seed))).tokens));
    assert.ok(others.some((tokens) => tokens.join() !== first.tokens.join()));
  });

  it('stops at a stop token and leaves it out of the text', async () => {
    const result = await generate(new TableModel(), [A], greedy({ stopTokenIds: [EOS] }));
    assert.deepEqual(result.tokens, [B, C, DOT, EOS]);
    assert.equal(result.text, 'bc.');
    assert.equal(result.finishReason, 'stop-token');
    assert.equal(result.steps[3].finishReason, 'stop-token');
  });

  it('stops at a stop string spanning tokens and cuts the text before it', async () => {
    const result = await generate(new TableModel(), [A], greedy({ stopStrings: ['c.', '<eos>'] }));
    assert.deepEqual(result.tokens, [B, C, DOT]);
    assert.equal(result.text, 'b');
    assert.equal(result.finishReason, 'stop-string');
  });

  it('cuts at the earliest of several stop strings', async () => {
    const result = await generate(new TableModel(), [A], greedy({ stopStrings: ['.', 'bc'] }));
    assert.equal(result.text, '');
    assert.deepEqual(result.tokens, [B, C]);
  });

  it('an AbortSignal ends generation after the step in progress, keeping the tokens', async () => {
    const model = new TableModel();
    const controller = new AbortController();
    const stream = generateStream(model, [A], { ...greedy({ maxNewTokens: 50 }), signal: controller.signal });
    const yielded: GenerationStep[] = [];
    let result: GenerationResult | undefined;
    for (;;) {
      const next = await stream.next();
      if (next.done) {
        result = next.value;
        break;
      }
      yielded.push(next.value);
      if (yielded.length === 2) controller.abort();
    }
    assert.equal(result.finishReason, 'aborted');
    assert.equal(result.tokens.length, 2);
    assert.equal(model.fed.length, 3, 'prefill and two decode steps, nothing after the abort');
    const aborted = await generate(new TableModel(), [A], { ...greedy(), signal: AbortSignal.abort() });
    assert.deepEqual([aborted.finishReason, aborted.tokens.length], ['aborted', 0]);
  });

  it("with contextOverflow 'stop' ends when the window is full", async () => {
    const model = new TableModel(8);
    const result = await generate(model, [A, B, C], greedy({ maxNewTokens: 20 }));
    assert.equal(result.finishReason, 'context-full');
    assert.equal(result.tokens.length, 6, 'five tokens fill the window; the sixth is chosen but cannot be fed');
    assert.ok(result.steps.every((s) => s.cacheLength <= 8));
  });

  it("with contextOverflow 'slide' keeps the recent half of the window and goes on", async () => {
    const model = new TableModel(8);
    const prompt = [A, B, C];
    let state = await startDecoding(model, prompt, greedy({ maxNewTokens: 20, contextOverflow: 'slide' }));
    const dropped: number[] = [];
    while (!state.finishReason) {
      const next = await stepOnce(state);
      state = next.state;
      dropped.push(next.step.droppedTokens);
      assert.ok(next.step.cacheLength <= 8);
      // A slide prefills the most recent half of the context (4 of 8) again, ending with the new token.
      if (next.step.droppedTokens > 0) assert.deepEqual(model.fed.at(-1), [...prompt, ...state.generated].slice(-4));
      // What the model holds: its last prefill and every single token fed after it.
      const prefill = model.fed.map((tokens) => tokens.length > 1).lastIndexOf(true);
      assert.deepEqual(tokensInCache(state), model.fed.slice(prefill).flat());
    }
    assert.equal(state.generated.length, 20);
    assert.equal(state.finishReason, 'max-new-tokens');
    assert.ok(dropped.filter((d) => d > 0).length >= 3);
    assert.ok(model.fed.some((tokens) => tokens.length === 4), 're-prefills the last half (4 tokens)');
  });

  it('refuses a prompt longer than the context unless the window may slide', async () => {
    const long = new Array<number>(10).fill(A);
    await assert.rejects(startDecoding(new TableModel(8), long, greedy()), /prompt has 10 tokens.*context holds 8/);
    const state = await startDecoding(new TableModel(8), long, greedy({ contextOverflow: 'slide' }));
    assert.equal(state.cache.length, 4);
  });

  it('stepOnce takes a forced token, and an old state can be stepped again', async () => {
    const model = new TableModel();
    const start = await startDecoding(model, [A], { sampler: { temperature: 1, topK: 3 }, maxNewTokens: 5, seed: 9, decode, topN: 4 });
    const distribution = nextTokenDistribution(start);
    const forced = await stepOnce(start, { token: DOT });
    assert.equal(forced.step.forced, true);
    assert.equal(forced.step.token, DOT);
    assert.equal(forced.step.probability, distribution.probabilities[DOT]);
    assert.deepEqual(forced.step.trace, distribution.trace);
    assert.deepEqual(model.fed.at(-1), [DOT]);
    assert.equal(forced.state.text, '.');
    const sampledOnce = await stepOnce(start);
    const sampledTwice = await stepOnce(start);
    assert.equal(sampledOnce.step.token, sampledTwice.step.token);
    assert.deepEqual(start.generated, [], 'stepping did not change the old state');
  });

  it('sampler settings can change between steps', async () => {
    let state = await startDecoding(new TableModel(), [A], { sampler: { temperature: 5 }, maxNewTokens: 5, seed: 1 });
    state = (await stepOnce(state)).state;
    state = { ...state, options: { ...state.options, sampler: { temperature: 0 } } };
    const { step } = await stepOnce(state);
    assert.equal(step.token, argmax(tableLogits([A, ...state.generated])));
  });

  it('streams steps with traces of the requested size, the same steps the result holds', async () => {
    const { yielded, result } = await collect(generateStream(new TableModel(), [A], { ...greedy({ maxNewTokens: 4 }), topN: 3 }));
    assert.deepEqual(result.steps, yielded);
    assert.deepEqual(yielded.map((s) => s.index), [0, 1, 2, 3]);
    for (const step of yielded) {
      assert.equal(step.trace.candidates.length, 3);
      const p = step.trace.candidates.map((c) => c.temperedProbability);
      assert.ok(p[0] >= p[1] && p[1] >= p[2]);
    }
    assert.deepEqual(yielded.map((s) => s.text), ['b', 'bc', 'bc.', 'bc.<eos>']);
  });

  it('times the prefill and each token around their forward passes (a fake clock that only the model moves)', async () => {
    // The model advances the clock by 100 ms for a prefill and 7 ms per cached step, so the
    // figures are exact: anything else the step times (sampling, decoding) takes 0 on this clock.
    let clock = 0;
    class ClockedModel extends TableModel {
      override async forward(tokens: readonly number[], cache?: KVCache): Promise<ForwardResult> {
        clock += cache ? 7 * tokens.length : 100;
        return super.forward(tokens, cache);
      }
    }
    const realNow = performance.now;
    performance.now = () => clock;
    try {
      const result = await generate(new ClockedModel(), [A], greedy({ maxNewTokens: 3 }));
      // The last token ends the run, so no forward pass follows it.
      assert.deepEqual(result.steps.map((s) => [s.prefillMs, s.tokenMs]), [[100, 7], [100, 7], [100, 0]]);
      assert.equal(result.prefillMs, 100);
      assert.equal(result.msPerToken, 14 / 3);
    } finally {
      performance.now = realNow;
    }
  });

  it('maxNewTokens 0 runs only the prefill', async () => {
    const result = await generate(new TableModel(), [A], greedy({ maxNewTokens: 0 }));
    assert.deepEqual([result.tokens.length, result.finishReason], [0, 'max-new-tokens']);
  });

  it('rejects bad options with a message naming the problem', async () => {
    await assert.rejects(startDecoding(new TableModel(), [], greedy()), /prompt is empty/);
    await assert.rejects(startDecoding(new TableModel(), [A], { ...greedy(), decode: undefined, stopStrings: ['x'] }), /decode function/);
    await assert.rejects(startDecoding(new TableModel(), [9], greedy()), /not in the vocabulary/);
    await assert.rejects(startDecoding(new TableModel(), [A], greedy({ maxNewTokens: -1 })), /maxNewTokens/);
    const done = await startDecoding(new TableModel(), [A], greedy({ maxNewTokens: 0 }));
    await assert.rejects(stepOnce(done), /already finished/);
  });

  it('settledText holds back what a later token could still change', () => {
    assert.equal(settledText('ab\uFFFD\uFFFD'), 'ab');
    assert.equal(settledText('a\uFFFDb'), 'a\uFFFDb');
    assert.equal(settledText('hello\n', ['\n\n']), 'hello');
    assert.equal(settledText('hello', ['lo!', 'xyz']), 'hel');
    assert.equal(settledText('hello', ['xyz']), 'hello');
  });
});
