// The Decoding Playground's session and comparison over a real model folder (a small random
// GPT-2 run by ONNX Runtime), checked against the engine's decode loop and beam search run
// directly: the bars are nextTokenDistribution's, "Back" returns to the same state, a seeded
// "Next" draws the engine's token, and the three continuations are the engine's.
import { strict as assert } from 'node:assert';
import { compareDecoders } from '../../extension/decoding/compareDecoders';
import { StepHistory, samplerSettings, type TokenWriter } from '../../extension/decoding/stepHistory';
import { beamSearch } from '../../extension/engine/generate/beamSearch';
import { nextTokenDistribution, startDecoding, stepOnce } from '../../extension/engine/generate/decodeSession';
import { generate } from '../../extension/engine/generate/generate';
import type { GPTConfig } from '../../extension/engine/gpt/config';
import type { CausalLM } from '../../extension/engine/runtime/causalLM';
import { openModelFolder } from '../../extension/engine/runtime/openModelFolder';
import type { SamplerControls } from '../../webviews/decoding/protocol';
import { makeTempDir, removeTempDir, writePeakedModel } from './modelFolderFixtures';

const CONFIG: GPTConfig = { n_layer: 2, n_head: 2, n_embd: 16, n_positions: 32, vocab_size: 257, layer_norm_epsilon: 1e-5 };
const CONTROLS: SamplerControls = { temperature: 0.9, topK: 30, topP: 0.9, minP: 0.02, seed: 11 };
const writer: TokenWriter = { label: (id) => `#${id}`, decode: (ids) => ids.map((id) => `#${id}`).join('') };
const PROMPT = [...Buffer.from('Once upon')];

describe('Decoding Playground session over a model folder', () => {
  let dir: string;
  let model: CausalLM;

  before(async () => {
    dir = makeTempDir('decoding-session');
    writePeakedModel(dir, CONFIG, 5);
    model = (await openModelFolder(dir, { threads: 1 })).model;
  });

  after(async () => {
    await model?.release();
    removeTempDir(dir);
  });

  it('its bars are the engine distribution, and a seeded Next draws the engine token', async () => {
    const history = await StepHistory.start(model, PROMPT, CONTROLS, writer);
    const engine = await startDecoding(model, PROMPT, { sampler: samplerSettings(CONTROLS), seed: CONTROLS.seed, maxNewTokens: 4 });
    const expected = nextTokenDistribution(engine, 20).trace.candidates;
    const { candidates, filters } = history.candidates();
    assert.equal(candidates.length, 20);
    assert.deepEqual(candidates.map((c) => c.token), expected.map((c) => c.token));
    assert.deepEqual(candidates.map((c) => c.final), expected.map((c) => c.finalProbability));
    assert.deepEqual(filters.map((f) => f.name), ['top-k', 'top-p', 'min-p']);
    assert.ok(candidates.some((c) => c.cutBy !== null), 'top-k 30 of 257 cuts some of the top 20 after top-p/min-p');

    const step = await history.step('sample');
    const direct = await stepOnce(engine, 'sample');
    assert.equal(step.token, direct.step.token);
    assert.deepEqual(history.generated().map((g) => g.token), [direct.step.token]);
  });

  it('Back returns to the previous state; picking a candidate appends it whatever its probability', async () => {
    const history = await StepHistory.start(model, PROMPT, CONTROLS, writer);
    const before = history.candidates();
    const unlikely = before.candidates[before.candidates.length - 1].token;
    await history.step({ token: unlikely });
    assert.deepEqual(history.chosen, [unlikely]);
    assert.equal(history.generated()[0].forced, true);
    assert.equal(history.cachePoints().at(-1)?.tokens, PROMPT.length + 1);
    assert.ok(history.back());
    assert.deepEqual(history.chosen, []);
    assert.deepEqual(history.candidates(), before, 'the same logits give the same bars');
    assert.ok(!history.back(), 'nothing before the prefill');
  });

  it('a replay after a reload takes the same tokens and keeps which ones the user picked', async () => {
    const first = await StepHistory.start(model, PROMPT, CONTROLS, writer);
    await first.step('sample');
    await first.step({ token: 65 });
    await first.step('sample');
    const saved = first.generated().map((g) => ({ token: g.token, forced: g.forced }));
    const again = await StepHistory.start(model, PROMPT, CONTROLS, writer);
    for (const { token, forced } of saved) await again.replay(token, forced);
    assert.deepEqual(again.generated(), first.generated());
    assert.deepEqual(again.candidates(), first.candidates());
  });

  it('changing the sampler redraws the bars; temperature 0 keeps only the most probable token', async () => {
    const history = await StepHistory.start(model, PROMPT, CONTROLS, writer);
    history.setControls({ ...CONTROLS, temperature: 0 });
    const { candidates, filters } = history.candidates();
    assert.deepEqual(filters.map((f) => f.name), ['greedy']);
    assert.equal(candidates[0].final, 1);
    assert.ok(candidates.slice(1).every((c) => c.cutBy === 'greedy' && c.final === 0));
  });

  it('greedy, sampled and beam continuations are the engine results', async () => {
    const beam = { width: 3, lengthPenalty: 0.6, maxNewTokens: 6 };
    const { view, tokens } = await compareDecoders({ model, prompt: PROMPT, controls: CONTROLS, beam, writer, stopTokenIds: [] });
    const greedy = await generate(model, PROMPT, { sampler: { temperature: 0 }, maxNewTokens: 6 });
    const sampled = await generate(model, PROMPT, { sampler: samplerSettings(CONTROLS), seed: CONTROLS.seed, maxNewTokens: 6 });
    const search = await beamSearch(model, PROMPT, { width: 3, maxNewTokens: 6, lengthPenalty: 0.6 });
    assert.deepEqual(tokens.greedy, greedy.tokens);
    assert.deepEqual(tokens.sampled, sampled.tokens);
    assert.deepEqual(tokens.beam, search.beams[0].tokens);
    assert.equal(view.nodes.length, search.nodes.length);
    assert.equal(view.nodes.filter((n) => n.best).length, 6, 'the best path has one node per step');
    assert.ok(Math.abs(view.beam.logprob - search.beams[0].cumulativeLogprob) < 1e-9);
    // Beam search maximises log P over its width; with width 3 it is at least as likely as greedy here.
    assert.ok(view.beam.logprob >= view.greedy.logprob - 1e-9, `beam ${view.beam.logprob} < greedy ${view.greedy.logprob}`);
  });
});
