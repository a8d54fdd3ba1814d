// Generation over the real runtime: a small random GPT-2 written as a model folder, run by
// the runtime with its KV cache (appendCacheCausalLM.ts, which runs every GPT-2 folder with
// safetensors weights), checked against the plain TypeScript reference forward that
// recomputes the whole sequence at every step. Also runs the `generate` CLI on that folder.

import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { generateCommand } from '../../extension/engine/cli/generate';
import type { GPTConfig } from '../../extension/engine/gpt/config';
import { referenceForward } from '../../extension/engine/gpt/referenceForward';
import type { TensorMap } from '../../extension/engine/gpt/tensor';
import { beamSearch } from '../../extension/engine/generate/beamSearch';
import { generate } from '../../extension/engine/generate/generate';
import { argmax, logSoftmax } from '../../extension/engine/generate/probabilities';
import { openModelFolder } from '../../extension/engine/runtime/openModelFolder';
import type { CausalLM } from '../../extension/engine/runtime/causalLM';
import { END_OF_TEXT_ID, makeTempDir, removeTempDir, writePeakedModel } from './modelFolderFixtures';

const CONFIG: GPTConfig = { n_layer: 2, n_head: 2, n_embd: 16, n_positions: 24, vocab_size: 257, layer_norm_epsilon: 1e-5 };

/** Logits of the next token after `tokens`, from the reference forward. */
function referenceNextLogits(weights: TensorMap, tokens: readonly number[]): Float32Array {
  const { logits } = referenceForward(CONFIG, weights, tokens);
  return logits.subarray((tokens.length - 1) * CONFIG.vocab_size);
}

describe('generation with the runtime', () => {
  let dir: string;
  let weights: TensorMap;
  let model: CausalLM;

  before(async () => {
    dir = makeTempDir('generate-onnx');
    weights = writePeakedModel(dir, CONFIG, 7);
    model = (await openModelFolder(dir, { threads: 1 })).model;
  });

  after(async () => {
    await model?.release();
    removeTempDir(dir);
  });

  it('greedy generation with the KV cache equals the reference recomputing every step', async () => {
    const prompt = [...Buffer.from('Once')];
    const result = await generate(model, prompt, { sampler: { temperature: 0 }, maxNewTokens: 12 });
    const sequence = [...prompt];
    for (let i = 0; i < 12; i++) sequence.push(argmax(referenceNextLogits(weights, sequence)));
    assert.deepEqual(result.tokens, sequence.slice(prompt.length));
    result.steps.slice(0, -1).forEach((step, i) => assert.equal(step.cacheLength, prompt.length + i + 1));
    assert.ok(result.steps[0].cacheBytes > 0);
  });

  it('sampled generation is repeatable with a seed and stops at the end of the context', async () => {
    const options = { sampler: { temperature: 1, topP: 0.95 }, seed: 3, maxNewTokens: 100 };
    const first = await generate(model, [...Buffer.from('Hi')], options);
    const again = await generate(model, [...Buffer.from('Hi')], options);
    assert.deepEqual(again.tokens, first.tokens);
    assert.equal(first.finishReason, 'context-full');
    assert.equal(first.tokens.length, CONFIG.n_positions - 2 + 1);
  });

  it('beam search log-probabilities match the reference', async () => {
    const prompt = [...Buffer.from('ab')];
    const result = await beamSearch(model, prompt, { width: 3, maxNewTokens: 4, eosTokenIds: [END_OF_TEXT_ID] });
    const tokensTo = (id: number | null): number[] => (id === null ? [] : [...tokensTo(result.nodes[id].parentId), result.nodes[id].token]);
    for (const node of result.nodes.filter((n) => n.status !== 'pruned')) {
      const expected = logSoftmax(referenceNextLogits(weights, [...prompt, ...tokensTo(node.parentId)]))[node.token];
      assert.ok(Math.abs(node.tokenLogprob - expected) < 1e-3, `node ${node.id}: ${node.tokenLogprob} vs ${expected}`);
    }
  });

  it('the generate CLI samples from the folder and runs beam search', function () {
    this.timeout(120_000); // two CLI processes, each compiling TypeScript on start
    const cli = (args: string[]) =>
      execFileSync(process.execPath, ['--import', 'tsx', 'extension/engine/cli/main.ts', 'generate', '--model', dir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const sampled = cli(['--prompt', 'Once', '--max-new-tokens', '5', '--temperature', '0']);
    const expected = [...Buffer.from('Once')];
    for (let i = 0; i < 5; i++) expected.push(argmax(referenceNextLogits(weights, expected)));
    assert.equal(sampled, Buffer.from(expected).toString('utf8') + '\n');
    const beams = cli(['--prompt', 'Once', '--max-new-tokens', '3', '--beam', '2']);
    assert.match(beams, /^#1 score -?\d+\.\d+ log p -?\d+\.\d+: ".*"\n#2 score/);
  });

  it('the generate CLI names a bad option before loading the model', async () => {
    await assert.rejects(generateCommand.run(['--model', dir, '--prompt', 'x', '--top-p', 'lots']), /--top-p must be a number, got "lots"/);
    await assert.rejects(generateCommand.run(['--model', dir, '--prompt', 'x', '--top-p', '2']), /top-p must be in \(0, 1\]/);
  });
});
