// Decoding the curated Llama-family models at their real sizes: our runtime against
// transformers.js on the same ONNX graph. Each folder has the model's config.json from the Hub
// (SmolLM2-135M and 360M: llama, 49,152 tokens; Qwen2.5-0.5B: qwen2 with q/k/v biases, 151,936 rows
// for a tokenizer of 151,665 ids) with random weights, which do not change the speed; the engine
// builds onnx/model.onnx from its safetensors (build-graph), and both sides run that file. Ours:
// the greedy loop of single-token calls through the KV cache. transformers.js: generate() with
// min_new_tokens = max_new_tokens, less its prefill. The two take turns, round after round; the
// figures are medians.
//   npm run bench -- llama                 every curated model
//   LLAMA_BENCH=smollm2 npm run bench -- llama   those whose repository id contains "smollm2"

import * as os from 'node:os';
import * as path from 'node:path';
import { argmax } from '../../extension/engine/generate/probabilities';
import { CURATED_MODELS } from '../../extension/engine/hub/curatedModels';
import { isLlamaModelType } from '../../extension/engine/llama/configJson';
import { buildGraphFolder } from '../../extension/engine/modelFolder/graphFolder';
import { openModelFolder } from '../../extension/engine/runtime/openModelFolder';
import { writeLlamaFolder } from '../unit/llamaFixture';
import { makeTempDir, removeTempDir } from '../unit/modelFolderFixtures';
import { median, report, type Bench } from './bench';

/** Ids in Qwen2.5's tokenizer (151,643 tokens and 22 added ones): its checkpoints store 151,936 rows. */
const QWEN25_TOKENIZER_IDS = 151_665;
const PROMPT_TOKENS = 32;
const NEW_TOKENS = 64;
const ROUNDS = 5;

const MODELS = CURATED_MODELS.filter((m) => isLlamaModelType(String(m.config.model_type)) && m.repo.toLowerCase().includes((process.env.LLAMA_BENCH ?? '').toLowerCase()));

export const bench: Bench = {
  name: 'llama',
  description: `Llama-family decoding, the curated models' shapes with random weights, our runtime vs transformers.js on the same built graph, prompt ${PROMPT_TOKENS}, ${NEW_TOKENS} new tokens`,
  async run() {
    for (const curated of MODELS) await decodeBoth(curated.repo, curated.config);
  },
};

async function decodeBoth(repo: string, config: Record<string, unknown>): Promise<void> {
  const parent = makeTempDir('bench-llama');
  const threads = os.availableParallelism();
  const name = repo.split('/')[1].toLowerCase();
  console.log(`  ${repo}`);
  try {
    const source = path.join(parent, 'source');
    writeLlamaFolder(source, { rms_norm_eps: 1e-5, ...config }, { seed: 1, dtype: 'F32', shards: 1, ...(config.model_type === 'qwen2' ? { tokenizerIds: QWEN25_TOKENIZER_IDS } : {}) });
    const built = buildGraphFolder(source, path.join(parent, name));
    const prompt = Array.from({ length: PROMPT_TOKENS }, (_, i) => (i * 7919) % 256);

    const { model } = await openModelFolder(built.dir, { threads });
    const tf = await import('@huggingface/transformers');
    tf.env.allowRemoteModels = false;
    tf.env.localModelPath = `${parent}${path.sep}`;
    const theirs = await tf.AutoModelForCausalLM.from_pretrained(name, {
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
    report(`${name}: decode, ours (runtime, greedy loop)`, rate(median(ours)), 'tokens/s', `${(median(ours) / (NEW_TOKENS - 1)).toFixed(2)} ms per token`);
    report(`${name}: decode, transformers.js (generate(), greedy)`, rate(median(theirsDecode)), 'tokens/s', `${(median(theirsDecode) / (NEW_TOKENS - 1)).toFixed(2)} ms per token`);
    report(`${name}: decode ratio, ours / transformers.js`, median(theirsDecode) / median(ours), '×');
  } finally {
    removeTempDir(parent);
  }
}
