// Generation speed of our runtime against transformers.js on the same model folder, in the same
// run: prefill (the prompt in one call) and decode (one token per call through the KV cache),
// in tokens per second. The model has the size of the planned bundled model; its weights are
// random, which does not change the speed.

import * as os from 'node:os';
import * as path from 'node:path';
import { generate } from '../../extension/engine/generate/generate';
import { argmax } from '../../extension/engine/generate/probabilities';
import type { GPTConfig } from '../../extension/engine/gpt/config';
import { randomWeights } from '../../extension/engine/gpt/randomWeights';
import { writeModelFolder } from '../../extension/engine/modelFolder/writeModelFolder';
import { openModelFolder } from '../../extension/engine/runtime/openModelFolder';
import { byteLevelTokenizerJson, makeTempDir, removeTempDir } from '../unit/modelFolderFixtures';
import { median, report, timeRepeats, type Bench } from './bench';

export const BENCH_CONFIG: GPTConfig = { n_layer: 4, n_head: 4, n_embd: 128, n_positions: 256, vocab_size: 4096, layer_norm_epsilon: 1e-5 };
const PROMPT_TOKENS = 64;
const NEW_TOKENS = 128;
const FOLDER = 'bench-gpt2';

function seededPrompt(length: number, vocab: number): number[] {
  let state = 12345;
  return Array.from({ length }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % vocab;
  });
}

export const bench: Bench = {
  name: 'generation',
  description: `our runtime vs transformers.js, GPT-2 ${BENCH_CONFIG.n_layer} layers × ${BENCH_CONFIG.n_head} heads × ${BENCH_CONFIG.n_embd} dims, vocabulary ${BENCH_CONFIG.vocab_size}, prompt ${PROMPT_TOKENS}, ${NEW_TOKENS} new tokens`,
  async run() {
    const parent = makeTempDir('bench-generation');
    const threads = os.availableParallelism();
    try {
      writeModelFolder(path.join(parent, FOLDER), { config: BENCH_CONFIG, weights: randomWeights(BENCH_CONFIG, 1), tokenizerJson: byteLevelTokenizerJson() });
      const prompt = seededPrompt(PROMPT_TOKENS, BENCH_CONFIG.vocab_size);

      // Ours: the runtime alone (prefill, then a greedy loop of single-token calls), and H3's generate().
      const { model } = await openModelFolder(path.join(parent, FOLDER), { threads });
      const oursPrefill = median(await timeRepeats(() => model.forward(prompt), 15, 2));
      const decodeLoopMs = async (): Promise<number> => {
        let step = await model.forward(prompt);
        const start = performance.now();
        for (let i = 1; i < NEW_TOKENS; i++) step = await model.forward([argmax(step.logits)], step.cache);
        return performance.now() - start;
      };
      await decodeLoopMs();
      const loops: number[] = [];
      for (let r = 0; r < 5; r++) loops.push(await decodeLoopMs());
      const oursDecode = median(loops);
      const oursGenerate = median(
        await timeRepeats(() => generate(model, prompt, { sampler: { temperature: 0 }, maxNewTokens: NEW_TOKENS }), 5, 1),
      );
      await model.release();

      // transformers.js on the same folder, same thread count.
      const tf = await import('@huggingface/transformers');
      tf.env.allowRemoteModels = false;
      tf.env.localModelPath = `${parent}${path.sep}`;
      const theirs = await tf.AutoModelForCausalLM.from_pretrained(FOLDER, {
        local_files_only: true,
        dtype: 'fp32',
        session_options: { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' },
      });
      const ids = () => new tf.Tensor('int64', BigInt64Array.from(prompt, (t) => BigInt(t)), [1, prompt.length]);
      const mask = () => new tf.Tensor('int64', new BigInt64Array(prompt.length).fill(1n), [1, prompt.length]);
      const theirsPrefill = median(await timeRepeats(() => theirs({ input_ids: ids(), attention_mask: mask() }), 15, 2));
      const theirsGenerate = median(
        await timeRepeats(() => theirs.generate({ inputs: ids(), max_new_tokens: NEW_TOKENS, min_new_tokens: NEW_TOKENS, do_sample: false }), 5, 1),
      );
      await theirs.dispose();

      // generate() = 1 prefill + (NEW_TOKENS − 1) decode calls, so decode time = total − prefill.
      const decodeRate = (totalMs: number, prefillMs: number) => (NEW_TOKENS - 1) / ((totalMs - prefillMs) / 1000);
      const oursDecodeRate = (NEW_TOKENS - 1) / (oursDecode / 1000);
      const theirsDecodeRate = decodeRate(theirsGenerate, theirsPrefill);
      console.log(`  ${threads} threads for both; medians of repeats`);
      report('prefill, ours', PROMPT_TOKENS / (oursPrefill / 1000), 'tokens/s', `${oursPrefill.toFixed(2)} ms per prompt`);
      report('prefill, transformers.js', PROMPT_TOKENS / (theirsPrefill / 1000), 'tokens/s', `${theirsPrefill.toFixed(2)} ms per prompt`);
      report('prefill ratio, ours / transformers.js', theirsPrefill / oursPrefill, '×');
      report('decode, ours (runtime, greedy loop)', oursDecodeRate, 'tokens/s', `${(oursDecode / (NEW_TOKENS - 1)).toFixed(3)} ms per token`);
      report('decode, ours (generate(), greedy)', decodeRate(oursGenerate, oursPrefill), 'tokens/s', 'with the sampling pipeline');
      report('decode, transformers.js (generate, greedy)', theirsDecodeRate, 'tokens/s', `${((theirsGenerate - theirsPrefill) / (NEW_TOKENS - 1)).toFixed(3)} ms per token`);
      report('decode ratio, ours / transformers.js', oursDecodeRate / theirsDecodeRate, '×', 'goal ≥ 1.5');
    } finally {
      removeTempDir(parent);
    }
  },
};
