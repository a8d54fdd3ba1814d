// A model folder written by the engine loads offline in transformers.js, the independent
// implementation of the Hugging Face layout, and both give the same logits and the same greedy
// continuation. The engine's numbers are also checked against the plain TypeScript GPT-2.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { generate } from '../../extension/engine/generate/generate';
import type { GPTConfig } from '../../extension/engine/gpt/config';
import { randomWeights } from '../../extension/engine/gpt/randomWeights';
import { referenceForward } from '../../extension/engine/gpt/referenceForward';
import { writeModelFolder } from '../../extension/engine/modelFolder/writeModelFolder';
import { openModelFolder, type OpenedModelFolder } from '../../extension/engine/runtime/openModelFolder';
import { byteLevelTokenizerJson, END_OF_TEXT_ID, makeTempDir, removeTempDir } from './modelFolderFixtures';

type TransformersJs = typeof import('@huggingface/transformers', { with: { 'resolution-mode': 'import' } });

const config: GPTConfig = { n_layer: 2, n_head: 2, n_embd: 32, n_positions: 64, vocab_size: 257, layer_norm_epsilon: 1e-5 };
const FOLDER = 'tiny-gpt2';

/**
 * GPT-2's initialization scaled up 20 times (LayerNorm aside): at 0.02 a random model's greedy
 * path repeats one token, while sharper logits make it wander, which tests more of the cache.
 */
function sharpRandomWeights(seed: number): ReturnType<typeof randomWeights> {
  const weights = randomWeights(config, seed);
  for (const [name, tensor] of weights) if (!/ln_(1|2|f)\./.test(name)) tensor.data.forEach((v, i, data) => (data[i] = 20 * v));
  return weights;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'lengths differ');
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('model folders in transformers.js', function () {
  this.timeout(120_000);
  let parent: string;
  let tf: TransformersJs;
  let ours: OpenedModelFolder;
  const weights = sharpRandomWeights(7);
  const prompt = [...Buffer.from('The cat sat', 'utf8')];

  before(async () => {
    parent = makeTempDir('transformersjs');
    writeModelFolder(path.join(parent, FOLDER), { config, weights, tokenizerJson: byteLevelTokenizerJson() });
    tf = await import('@huggingface/transformers');
    tf.env.allowRemoteModels = false;
    tf.env.allowLocalModels = true;
    tf.env.localModelPath = `${parent}${path.sep}`;
    ours = await openModelFolder(path.join(parent, FOLDER), { threads: 1 });
  });

  after(async () => {
    await ours?.model.release();
    removeTempDir(parent);
  });

  const loadTheirs = () => tf.AutoModelForCausalLM.from_pretrained(FOLDER, { local_files_only: true, dtype: 'fp32' });

  it('gives the logits of every position within 1e-4 of our runtime and of the TypeScript reference', async () => {
    const theirs = await loadTheirs();
    const inputIds = new tf.Tensor('int64', BigInt64Array.from(prompt.map(BigInt)), [1, prompt.length]);
    const attentionMask = new tf.Tensor('int64', new BigInt64Array(prompt.length).fill(1n), [1, prompt.length]);
    const output = await theirs({ input_ids: inputIds, attention_mask: attentionMask });
    assert.deepEqual(output.logits.dims, [1, prompt.length, config.vocab_size]);
    const theirLogits = output.logits.data as Float32Array;

    const { logits } = await ours.model.forwardAll(prompt);
    assert.ok(maxAbsDiff(logits, theirLogits) < 1e-4, `ours vs transformers.js: ${maxAbsDiff(logits, theirLogits)}`);
    const reference = referenceForward(config, weights, prompt).logits;
    assert.ok(maxAbsDiff(logits, reference) < 1e-4, `ours vs reference: ${maxAbsDiff(logits, reference)}`);
    await theirs.dispose();
  });

  it('produces the same greedy continuation, through the KV cache on both sides', async () => {
    const theirs = await loadTheirs();
    const maxNewTokens = 24;
    const generated = (await theirs.generate({
      inputs: new tf.Tensor('int64', BigInt64Array.from(prompt.map(BigInt)), [1, prompt.length]),
      max_new_tokens: maxNewTokens,
      do_sample: false,
    })) as InstanceType<TransformersJs['Tensor']>;
    const theirTokens = Array.from(generated.data as BigInt64Array, Number).slice(prompt.length);

    const result = await generate(ours.model, prompt, { sampler: { temperature: 0 }, maxNewTokens, stopTokenIds: [END_OF_TEXT_ID] });
    assert.ok(new Set(theirTokens).size > 3, `a varied continuation: ${theirTokens.join(' ')}`);
    assert.deepEqual(result.tokens, theirTokens);
    await theirs.dispose();
  });

  it('reads the folder\'s tokenizer.json and tokenizer_config.json', async () => {
    const tokenizer = await tf.AutoTokenizer.from_pretrained(FOLDER, { local_files_only: true });
    const ids = tokenizer.encode('héllo <|endoftext|>', { add_special_tokens: false });
    assert.deepEqual(ids, [...Buffer.from('héllo ', 'utf8'), END_OF_TEXT_ID]);
    assert.equal(tokenizer.decode(ids, { skip_special_tokens: true }), 'héllo ');
  });
});
