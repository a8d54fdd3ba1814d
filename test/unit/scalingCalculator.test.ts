// The Model Size Calculator (extension/engine/scaling/): parameter counts equal the totals the
// Hugging Face Hub shows for each model's safetensors; FLOPs and KV cache equal hand computations
// and, for GPT-2, the engine's own GPT-2 sizes (gpt/sizes.ts, counted from the weight list).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { sizesCommand } from '../../extension/engine/cli/sizes';
import type { GPTConfig } from '../../extension/engine/gpt/config';
import * as gpt from '../../extension/engine/gpt/sizes';
import { architectureFromConfig } from '../../extension/engine/scaling/architecture';
import { chinchillaOptimal } from '../../extension/engine/scaling/chinchilla';
import { forwardFlopsPerToken, trainingFlopsPerToken } from '../../extension/engine/scaling/flops';
import { loadArchitecture } from '../../extension/engine/scaling/loadArchitecture';
import { kvCacheBytesPerToken, servingMemory, trainingMemory } from '../../extension/engine/scaling/memory';
import { countParameters } from '../../extension/engine/scaling/parameters';
import { PRESETS } from '../../extension/engine/scaling/presets';

/** Parameters in each model's safetensors files, as the Hub's model page reports them. */
const PUBLISHED: Record<string, number> = {
  gpt2: 124_439_808,
  'gpt2-xl': 1_557_611_200,
  'smollm2-135m': 134_515_008,
  'qwen2.5-0.5b': 494_032_768,
  'mistral-7b': 7_241_732_096,
  'llama3-8b': 8_030_261_248,
  'llama3-70b': 70_553_706_496,
};

const BUNDLED = path.join(__dirname, '../../models/tinystories-1m');

describe('scaling calculator: parameters', () => {
  for (const preset of PRESETS) {
    it(`${preset.label} has the published ${PUBLISHED[preset.id]?.toLocaleString('en-US')} parameters`, () => {
      assert.equal(countParameters(loadArchitecture(preset.id)).total, PUBLISHED[preset.id]);
    });
  }

  it('Llama 3 8B by hand: untied 128256×4096 embeddings twice, 32 blocks of GQA (8 KV heads) and SwiGLU', () => {
    const d = 4096;
    const block = 2 * d * d + 2 * d * 8 * 128 + 3 * d * 14336 + 2 * d;
    const counted = countParameters(loadArchitecture('llama3-8b'));
    assert.equal(counted.total, 2 * 128256 * d + 32 * block + d);
    assert.equal(counted.nonEmbedding, 32 * block + d);
  });

  it('GPT-2 counts equal the engine model definition, and N leaves out wte and wpe', () => {
    const config: GPTConfig = { n_layer: 4, n_head: 4, n_embd: 128, n_positions: 256, vocab_size: 4096, layer_norm_epsilon: 1e-5 };
    const ours = countParameters(loadArchitecture(BUNDLED));
    const engine = gpt.parameterCount(config);
    assert.equal(ours.total, engine.total);
    assert.equal(ours.nonEmbedding, engine.nonEmbedding);
  });

  it('Qwen2 adds q, k and v biases and no output bias; Llama adds all four with attention_bias', () => {
    const base = { hidden_size: 64, intermediate_size: 128, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, max_position_embeddings: 32, vocab_size: 100 };
    const llama = countParameters(architectureFromConfig({ model_type: 'llama', ...base })).total;
    const qwen = countParameters(architectureFromConfig({ model_type: 'qwen2', ...base })).total;
    const biased = countParameters(architectureFromConfig({ model_type: 'llama', attention_bias: true, ...base })).total;
    assert.equal(qwen - llama, 2 * (64 + 2 * 32));
    assert.equal(biased - llama, 2 * (64 + 2 * 32 + 64));
  });

  it('an unknown model_type is refused with the types it knows, naming the file', () => {
    assert.throws(() => architectureFromConfig({ model_type: 'bert', hidden_size: 768 }, 'bert/config.json'), /bert\/config\.json.*model_type.*"bert".*"gpt2", "llama", "mistral", "qwen2"/);
  });
});

describe('scaling calculator: FLOPs, memory and Chinchilla', () => {
  it('GPT-2 forward and training FLOPs equal gpt/sizes.ts', () => {
    const config: GPTConfig = { n_layer: 12, n_head: 12, n_embd: 768, n_positions: 1024, vocab_size: 50257, layer_norm_epsilon: 1e-5 };
    const a = loadArchitecture('gpt2');
    assert.equal(forwardFlopsPerToken(a, 1024).total, gpt.forwardFlopsPerToken(config, 1024).total);
    assert.equal(trainingFlopsPerToken(a, 1024), gpt.trainingFlopsPerToken(config, 512.5));
  });

  it('Llama 3 8B forward FLOPs by hand: 2 × block matrices + 2·d·V + 4·L·ctx·d', () => {
    const matrices = 32 * (2 * 4096 * 4096 + 2 * 4096 * 1024 + 3 * 4096 * 14336);
    const f = forwardFlopsPerToken(loadArchitecture('llama3-8b'), 8192);
    assert.equal(f.total, 2 * matrices + 2 * 4096 * 128256 + 4 * 32 * 8192 * 4096);
    // 6N plus the attention term, up to the norm gains that N holds and the matrices do not
    const n = countParameters(loadArchitecture('llama3-8b')).nonEmbedding;
    const training = trainingFlopsPerToken(loadArchitecture('llama3-8b'), 8191);
    assert.equal(training, 6 * (n - 65 * 4096) + 6 * 4096 * 128256 + 12 * 32 * 4096 * 4096);
  });

  it('KV cache counts KV heads: Llama 3 8B 2·32·8·128·2 bytes; GPT-2 2·12·768·2; MQA one head', () => {
    assert.equal(kvCacheBytesPerToken(loadArchitecture('llama3-8b')), 131_072);
    assert.equal(kvCacheBytesPerToken(loadArchitecture('gpt2')), 36_864);
    assert.equal(kvCacheBytesPerToken(loadArchitecture('gpt2'), 4), gpt.kvCacheBytes({ n_layer: 12, n_head: 12, n_embd: 768, n_positions: 1024, vocab_size: 50257, layer_norm_epsilon: 1e-5 }, 1));
    const mqa = architectureFromConfig({ model_type: 'llama', hidden_size: 64, intermediate_size: 128, num_hidden_layers: 3, num_attention_heads: 4, num_key_value_heads: 1, max_position_embeddings: 32, vocab_size: 100 });
    assert.equal(kvCacheBytesPerToken(mqa), 2 * 3 * 1 * 16 * 2);
    assert.equal(servingMemory(mqa, 'fp16', 2, 10).kvCache, 2 * 10 * 2 * 3 * 16 * 2);
  });

  it('training memory is 16 bytes per parameter plus activations, in fp32 and in mixed precision', () => {
    const a = loadArchitecture('gpt2');
    const n = 124_439_808;
    for (const dtype of ['fp32', 'bf16'] as const) {
      const m = trainingMemory(a, dtype, 1, 1024);
      assert.equal(m.weights + m.gradients + m.adamMoments + m.masterWeights, 16 * n);
    }
    // Korthikanti et al. eq. 1: s·b·h·(34 + 5·a·s/h) bytes per layer in 16 bits
    assert.equal(trainingMemory(a, 'bf16', 2, 1024).activations, 12 * 1024 * 2 * 768 * (34 + (5 * 12 * 1024) / 768));
  });

  it('Chinchilla: C = 6·N·D with D = 20·N', () => {
    const { parameters, tokens } = chinchillaOptimal(5.76e23);
    assert.ok(Math.abs(6 * parameters * tokens - 5.76e23) / 5.76e23 < 1e-12);
    assert.ok(Math.abs(tokens / parameters - 20) < 1e-9);
    assert.ok(Math.abs(parameters - 6.93e10) / 6.93e10 < 0.01); // Chinchilla itself: 70B parameters, 1.4T tokens
    assert.throws(() => chinchillaOptimal(0), /positive/);
  });
});

describe('sizes CLI', () => {
  it('prints the four figures as numbers for a config.json', async () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (text: string) => lines.push(text);
    try {
      await sizesCommand.run(['--config', path.join(BUNDLED, 'config.json'), '--json']);
    } finally {
      console.log = log;
    }
    const json = JSON.parse(lines.join('\n'));
    assert.equal(json.parameters, 1_350_400);
    assert.equal(json.non_embedding_parameters, 793_344);
    assert.equal(json.flops_per_token, 2 * 12 * 4 * 128 * 128 + 2 * 128 * 4096 + 4 * 4 * 256 * 128);
    assert.equal(json.kv_cache_bytes_per_token, 2 * 4 * 128 * 2);
  });

  it('names the file for a missing config', async () => {
    await assert.rejects(sizesCommand.run(['--config', '/nowhere/config.json']), /\/nowhere\/config\.json/);
  });
});
