// Speculative decoding with the bundled model as target: whatever the draft proposes, the output is
// the target's own greedy output (generate() at temperature 0 is the independent reference), and
// the bookkeeping of proposals and acceptances adds up.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { GPTConfig } from '../../extension/engine/gpt/config';
import { buildDecodeModel } from '../../extension/engine/gpt/decodeModel';
import { randomWeights } from '../../extension/engine/gpt/randomWeights';
import type { TensorMap } from '../../extension/engine/gpt/tensor';
import { generate } from '../../extension/engine/generate/generate';
import { Mulberry32 } from '../../extension/engine/generate/random';
import { speculativeDecode, type SpeculativeResult } from '../../extension/engine/generate/speculative';
import { readGPT2Weights } from '../../extension/engine/modelFolder/gpt2Weights';
import { readModelFolder } from '../../extension/engine/modelFolder/readModelFolder';
import type { CausalLM } from '../../extension/engine/runtime/causalLM';
import { OnnxCausalLM } from '../../extension/engine/runtime/onnxCausalLM';
import { openModelFolder } from '../../extension/engine/runtime/openModelFolder';

const BUNDLED = path.join(__dirname, '..', '..', 'models', 'tinystories-1m');
const PROMPT = [464, 1110, 257, 640]; // any token IDs below the 4096 of the bundled vocabulary

function checkBookkeeping(result: SpeculativeResult, k: number): void {
  assert.equal(result.tokens.length, result.sources.length);
  assert.equal(result.proposedTokens, result.rounds.reduce((n, r) => n + r.proposed.length, 0));
  assert.equal(result.targetCalls, result.rounds.length, 'one target call per round');
  for (const round of result.rounds) assert.ok(round.proposed.length <= k && round.accepted <= round.proposed.length);
  assert.equal(result.sources.filter((s) => s === 'draft').length <= result.acceptedTokens, true);
  assert.equal(result.acceptanceRate, result.acceptedTokens / result.proposedTokens);
}

describe('speculative decoding (greedy)', () => {
  let target: CausalLM;
  let weights: TensorMap;
  let config: GPTConfig;
  let greedy: readonly number[];
  const open = (c: GPTConfig, w: TensorMap) => OnnxCausalLM.open(buildDecodeModel(c, w), { contextLength: c.n_positions, threads: 1 });

  before(async () => {
    target = (await openModelFolder(BUNDLED, { threads: 1 })).model;
    const folder = readModelFolder(BUNDLED);
    config = folder.gpt2?.gpt as GPTConfig;
    weights = readGPT2Weights(folder.safetensorsFile as string, config);
    greedy = (await generate(target, PROMPT, { sampler: { temperature: 0 }, maxNewTokens: 40 })).tokens;
  });
  after(async () => target?.release());

  it('with the target as its own draft, accepts every proposal and adds a bonus token per round', async () => {
    const result = await speculativeDecode(target, target, PROMPT, { maxNewTokens: 40, draftTokens: 4 });
    assert.deepEqual(result.tokens, greedy);
    assert.equal(result.acceptanceRate, 1);
    assert.equal(result.rounds.length, 8, '40 tokens in rounds of 4 accepted + 1 bonus');
    checkBookkeeping(result, 4);
  });

  it('with a noisy copy of the target as draft, rejects some proposals and still equals the target’s greedy output', async () => {
    const random = new Mulberry32(5);
    const noisy: TensorMap = new Map([...weights].map(([name, t]) => [name, { dims: t.dims, data: t.data.map((v) => v + 0.08 * (random.next() - 0.5)) }]));
    const draft = await open(config, noisy);
    try {
      for (const k of [1, 3, 6]) {
        const result = await speculativeDecode(draft, target, PROMPT, { maxNewTokens: 40, draftTokens: k });
        assert.deepEqual(result.tokens, greedy, `k = ${k}`);
        assert.ok(result.acceptanceRate > 0 && result.acceptanceRate < 1, `k = ${k}: acceptance ${result.acceptanceRate}`);
        assert.ok(result.sources.includes('draft') && result.sources.includes('target'));
        checkBookkeeping(result, k);
      }
    } finally {
      await draft.release();
    }
  });

  it('with an unrelated random draft, rejects nearly everything and still equals the target’s greedy output', async () => {
    const small: GPTConfig = { ...config, n_layer: 1, n_head: 1, n_embd: 16 };
    const draft = await open(small, randomWeights(small, 3));
    try {
      const result = await speculativeDecode(draft, target, PROMPT, { maxNewTokens: 25, draftTokens: 3 });
      assert.deepEqual(result.tokens, greedy.slice(0, 25));
      assert.ok(result.acceptanceRate < 0.2, `acceptance ${result.acceptanceRate}`);
      checkBookkeeping(result, 3);
    } finally {
      await draft.release();
    }
  });

  it('stops at the context end and refuses a draft with another vocabulary', async () => {
    const nearEnd = Array.from({ length: target.contextLength - 5 }, (_, i) => (i * 37) % 4000);
    const plain = await generate(target, nearEnd, { sampler: { temperature: 0 }, maxNewTokens: 50 });
    for (const k of [1, 4]) {
      const result = await speculativeDecode(target, target, nearEnd, { maxNewTokens: 50, draftTokens: k });
      assert.equal(result.finishReason, 'context-full');
      assert.deepEqual(result.tokens, plain.tokens, `k = ${k}: as many tokens as greedy decoding fits in the window`);
    }
    const bytes: GPTConfig = { ...config, n_layer: 1, n_embd: 16, n_head: 1, vocab_size: 257 };
    const draft = await open(bytes, randomWeights(bytes, 1));
    try {
      await assert.rejects(speculativeDecode(draft, target, PROMPT, { maxNewTokens: 5, draftTokens: 2 }), /must share a tokenizer/);
    } finally {
      await draft.release();
    }
  });
});
