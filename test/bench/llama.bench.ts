// Decoding a Llama-family model of a real size: our runtime against transformers.js on the same
// ONNX graph. The folder has SmolLM2-135M-Instruct's config.json (30 layers, 9 query and 3
// key/value heads, 576 dims, vocabulary 49,152) with random weights, which do not change the
// speed; the engine builds onnx/model.onnx from its safetensors (build-graph), and both sides run
// that file. Ours: the greedy loop of single-token calls through the KV cache. transformers.js:
// generate() with min_new_tokens = max_new_tokens, less its prefill. The two take turns, round
// after round; the figures are medians.

import * as os from 'node:os';
import * as path from 'node:path';
import { argmax } from '../../extension/engine/generate/probabilities';
import { buildGraphFolder } from '../../extension/engine/modelFolder/graphFolder';
import { openModelFolder } from '../../extension/engine/runtime/openModelFolder';
import { writeLlamaFolder } from '../unit/llamaFixture';
import { makeTempDir, removeTempDir } from '../unit/modelFolderFixtures';
import { median, report, type Bench } from './bench';

/** SmolLM2-135M-Instruct's config.json, as its repository has it (the keys the engine reads). */
const SMOLLM2_135M = {
  architectures: ['LlamaForCausalLM'],
  model_type: 'llama',
  hidden_size: 576,
  intermediate_size: 1536,
  num_hidden_layers: 30,
  num_attention_heads: 9,
  num_key_value_heads: 3,
  vocab_size: 49152,
  max_position_embeddings: 8192,
  rms_norm_eps: 1e-5,
  rope_theta: 100000,
  tie_word_embeddings: true,
  bos_token_id: 1,
  eos_token_id: 2,
};
const PROMPT_TOKENS = 32;
const NEW_TOKENS = 64;
const ROUNDS = 5;

export const bench: Bench = {
  name: 'llama',
  description: `Llama-family decoding, SmolLM2-135M's shape with random weights, our runtime vs transformers.js on the same built graph, prompt ${PROMPT_TOKENS}, ${NEW_TOKENS} new tokens`,
  async run() {
    const parent = makeTempDir('bench-llama');
    const threads = os.availableParallelism();
    try {
      const source = path.join(parent, 'source');
      writeLlamaFolder(source, SMOLLM2_135M, { seed: 1, dtype: 'F32', shards: 1 });
      const built = buildGraphFolder(source, path.join(parent, 'smollm2-135m'));
      const prompt = Array.from({ length: PROMPT_TOKENS }, (_, i) => (i * 7919) % 256);

      const { model } = await openModelFolder(built.dir, { threads });
      const tf = await import('@huggingface/transformers');
      tf.env.allowRemoteModels = false;
      tf.env.localModelPath = `${parent}${path.sep}`;
      const theirs = await tf.AutoModelForCausalLM.from_pretrained('smollm2-135m', {
        local_files_only: true,
        dtype: 'fp32',
        session_options: { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', executionMode: 'sequential' },
      });
      const ids = () => new tf.Tensor('int64', BigInt64Array.from(prompt, (t) => BigInt(t)), [1, prompt.length]);
      const mask = () => new tf.Tensor('int64', new BigInt64Array(prompt.length).fill(1n), [1, prompt.length]);
      const time = async (fn: () => Promise<unknown>) => {
        const start = performance.now();
        await fn();
        return performance.now() - start;
      };
      const ours: number[] = [];
      const theirsDecode: number[] = [];
      for (let round = 0; round <= ROUNDS; round++) {
        let step = await model.forward(prompt);
        const oursMs = await time(async () => {
          for (let i = 1; i < NEW_TOKENS; i++) step = await model.forward([argmax(step.logits)], step.cache);
        });
        const prefillMs = await time(() => theirs({ input_ids: ids(), attention_mask: mask() }));
        const generateMs = await time(() => theirs.generate({ inputs: ids(), max_new_tokens: NEW_TOKENS, min_new_tokens: NEW_TOKENS, do_sample: false }));
        // Round 0 warms both up and is not counted.
        if (round > 0) {
          ours.push(oursMs);
          theirsDecode.push(generateMs - prefillMs);
        }
      }
      await model.release();
      await theirs.dispose();
      const rate = (ms: number) => (NEW_TOKENS - 1) / (ms / 1000);
      console.log(`  ${threads} threads for both, medians of ${ROUNDS} alternating rounds; ${built.dir}`);
      report('decode, ours (runtime, greedy loop)', rate(median(ours)), 'tokens/s', `${(median(ours) / (NEW_TOKENS - 1)).toFixed(2)} ms per token`);
      report('decode, transformers.js (generate(), greedy)', rate(median(theirsDecode)), 'tokens/s', `${(median(theirsDecode) / (NEW_TOKENS - 1)).toFixed(2)} ms per token`);
      report('decode ratio, ours / transformers.js', median(theirsDecode) / median(ours), '×');
    } finally {
      removeTempDir(parent);
    }
  },
};
