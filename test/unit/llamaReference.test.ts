// The Llama-family graphs (extension/engine/llama) against an independent implementation: a plain
// PyTorch transcription of Hugging Face's modelling code (test/unit/python/llama_reference.py),
// run with Debian's python3-torch on small random Llama, Mistral and Qwen2 folders. The inspection
// graph's logits and attention probabilities, the decode graph's logits, and the decode graph's
// greedy continuation (token by token through the KV cache) must all agree with PyTorch's.
// Needs /usr/bin/python3 with torch and NumPy (Debian: python3-torch, which .ci/run installs).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readModelFolder } from '../../extension/engine/modelFolder/readModelFolder';
import { readSafetensorsHeader } from '../../extension/engine/modelFolder/safetensors';
import { openInspector } from '../../extension/engine/runtime/inspection';
import { openLanguageModel } from '../../extension/engine/runtime/openModelFolder';
import { type FixtureOptions, pytorchReference, writeLlamaFolder } from './llamaFixture';

/** Both sides compute in float32 and differ only in the order of their sums: about 1e-6 apart. */
const LOGIT_TOLERANCE = 1e-4;
const PROBABILITY_TOLERANCE = 1e-5;
const PROMPT = [72, 101, 108, 108, 111, 32, 256, 7, 299, 150, 33];
const NEW_TOKENS = 8;

const COMMON = { hidden_act: 'silu', vocab_size: 300, rms_norm_eps: 1e-6, bos_token_id: 256, eos_token_id: 256, torch_dtype: 'float32' };

const CASES: Array<{ title: string; config: Record<string, unknown>; options: FixtureOptions }> = [
  {
    title: 'Llama: GQA 4/2, untied, attention_bias, rope_scaling llama3, BF16 weights with a stored rotary buffer',
    config: {
      ...COMMON, model_type: 'llama', architectures: ['LlamaForCausalLM'], hidden_size: 64, intermediate_size: 96, num_hidden_layers: 2,
      num_attention_heads: 4, num_key_value_heads: 2, max_position_embeddings: 128, rope_theta: 500000.0, tie_word_embeddings: false,
      attention_bias: true, mlp_bias: false,
      rope_scaling: { rope_type: 'llama3', factor: 8.0, low_freq_factor: 1.0, high_freq_factor: 4.0, original_max_position_embeddings: 16 },
    },
    options: { seed: 1, dtype: 'BF16', shards: 1, extra: new Map([['model.layers.0.self_attn.rotary_emb.inv_freq', { dims: [8], data: new Float32Array(8) }]]) },
  },
  {
    title: 'Mistral: GQA 6/2, head_dim 16 given apart from hidden_size, tied, sharded in two files',
    config: {
      ...COMMON, model_type: 'mistral', architectures: ['MistralForCausalLM'], hidden_size: 48, intermediate_size: 80, num_hidden_layers: 3,
      num_attention_heads: 6, num_key_value_heads: 2, head_dim: 16, max_position_embeddings: 256, rope_theta: 10000.0, sliding_window: 64,
      tie_word_embeddings: true,
    },
    options: { seed: 2, dtype: 'F32', shards: 2 },
  },
  {
    title: 'Qwen2: multi-query (one key/value head), q/k/v biases, tied, F16 weights',
    config: {
      ...COMMON, model_type: 'qwen2', architectures: ['Qwen2ForCausalLM'], hidden_size: 64, intermediate_size: 128, num_hidden_layers: 2,
      num_attention_heads: 4, num_key_value_heads: 1, max_position_embeddings: 512, rope_theta: 1000000.0, use_sliding_window: false,
      sliding_window: 32, tie_word_embeddings: true,
    },
    options: { seed: 3, dtype: 'F16', shards: 1 },
  },
];

function maxDifference(actual: Float32Array, expected: number[]): number {
  assert.equal(actual.length, expected.length);
  let largest = 0;
  for (let i = 0; i < actual.length; i++) largest = Math.max(largest, Math.abs(actual[i] - expected[i]));
  return largest;
}

function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

describe('Llama-family graphs against a PyTorch transcription of Hugging Face modelling code', function () {
  this.timeout(300_000);
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'llama-reference-'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  for (const [n, { title, config, options }] of CASES.entries()) {
    it(title, async () => {
      const dir = path.join(root, `case-${n}`);
      writeLlamaFolder(dir, config, options);
      const folder = readModelFolder(dir);
      assert.equal(folder.kind, 'llama');
      assert.equal(folder.llamaWeights?.length, options.shards);
      assert.ok(folder.llamaWeights.every(({ file }) => readSafetensorsHeader(file).entries.every((e) => e.dtype === options.dtype || e.name.endsWith('inv_freq'))));
      const expected = await pytorchReference(dir, PROMPT, NEW_TOKENS);
      const V = 300;
      const T = PROMPT.length;

      const inspector = await openInspector(folder, { logitLens: true });
      try {
        const inspected = await inspector.run(PROMPT);
        const logitGap = maxDifference(inspected.logits, expected.logits.flat());
        assert.ok(logitGap < LOGIT_TOLERANCE, `inspection logits differ by ${logitGap}`);
        // The logits are not degenerate: the reference's spread is far above the tolerance.
        assert.ok(Math.max(...expected.logits[T - 1]) - Math.min(...expected.logits[T - 1]) > 1);
        assert.equal(inspected.attentions.length, config.num_hidden_layers);
        inspected.attentions.forEach((map, layer) => {
          assert.equal(map.heads, config.num_attention_heads);
          for (let row = 0; row < map.heads * T; row++) {
            const sum = map.data.subarray(row * T, (row + 1) * T).reduce((a, b) => a + b, 0);
            assert.ok(Math.abs(sum - 1) < 1e-5, `layer ${layer} row ${row} sums to ${sum}`);
          }
          const gap = maxDifference(map.data, expected.attentions[layer].flat(2));
          assert.ok(gap < PROBABILITY_TOLERANCE, `layer ${layer} attention differs by ${gap}`);
        });
        // The last logit-lens row is the output layer on the last residual stream: the logits.
        assert.ok(maxDifference(inspected.logitLens[inspected.logitLens.length - 1], [...inspected.logits]) < 1e-5);
      } finally {
        await inspector.release();
      }

      const model = await openLanguageModel(folder);
      try {
        const prompt = await model.forwardAll(PROMPT);
        const decodeGap = maxDifference(prompt.logits, expected.logits.flat());
        assert.ok(decodeGap < LOGIT_TOLERANCE, `decode graph logits differ by ${decodeGap}`);
        // Greedy, one token at a time through the KV cache.
        let step = { logits: prompt.logits.subarray((T - 1) * V), cache: prompt.cache };
        const greedy: number[] = [];
        for (let i = 0; i < NEW_TOKENS; i++) {
          const token = argmax(step.logits);
          greedy.push(token);
          step = await model.forward([token], step.cache);
        }
        assert.deepEqual(greedy, expected.greedy);
        assert.ok(new Set(greedy).size > 1 || new Set(expected.greedy).size === 1);
      } finally {
        await model.release();
      }
    });
  }
});
