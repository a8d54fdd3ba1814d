// Real architectures to size, each given by the fields of its config.json on the Hugging Face Hub
// that the calculator reads (the file at `source`, copied field by field). Their parameter counts
// equal the totals the Hub shows for each model's safetensors files (test/unit/scalingCalculator.test.ts).

import type { JsonObject } from '../modelFolder/jsonFile';

export interface Preset {
  readonly id: string;
  readonly label: string;
  /** The config.json the fields were copied from. */
  readonly source: string;
  readonly config: JsonObject;
}

const hub = (repo: string) => `https://huggingface.co/${repo}/blob/main/config.json`;

export const PRESETS: readonly Preset[] = [
  {
    id: 'gpt2',
    label: 'GPT-2 small (124M)',
    source: hub('openai-community/gpt2'),
    config: { model_type: 'gpt2', n_layer: 12, n_head: 12, n_embd: 768, n_positions: 1024, n_ctx: 1024, n_inner: null, vocab_size: 50257 },
  },
  {
    id: 'gpt2-xl',
    label: 'GPT-2 XL (1.5B)',
    source: hub('openai-community/gpt2-xl'),
    config: { model_type: 'gpt2', n_layer: 48, n_head: 25, n_embd: 1600, n_positions: 1024, n_ctx: 1024, n_inner: null, vocab_size: 50257 },
  },
  {
    id: 'smollm2-135m',
    label: 'SmolLM2 135M',
    source: hub('HuggingFaceTB/SmolLM2-135M'),
    config: {
      model_type: 'llama', hidden_size: 576, intermediate_size: 1536, num_hidden_layers: 30, num_attention_heads: 9,
      num_key_value_heads: 3, max_position_embeddings: 8192, vocab_size: 49152, tie_word_embeddings: true, attention_bias: false, mlp_bias: false,
    },
  },
  {
    id: 'qwen2.5-0.5b',
    label: 'Qwen2.5 0.5B',
    source: hub('Qwen/Qwen2.5-0.5B'),
    config: {
      model_type: 'qwen2', hidden_size: 896, intermediate_size: 4864, num_hidden_layers: 24, num_attention_heads: 14,
      num_key_value_heads: 2, max_position_embeddings: 32768, vocab_size: 151936, tie_word_embeddings: true,
    },
  },
  {
    id: 'mistral-7b',
    label: 'Mistral 7B v0.1',
    source: hub('mistralai/Mistral-7B-v0.1'),
    config: {
      model_type: 'mistral', hidden_size: 4096, intermediate_size: 14336, num_hidden_layers: 32, num_attention_heads: 32,
      num_key_value_heads: 8, max_position_embeddings: 32768, vocab_size: 32000, tie_word_embeddings: false,
    },
  },
  {
    id: 'llama3-8b',
    label: 'Llama 3 8B',
    source: hub('meta-llama/Meta-Llama-3-8B'),
    config: {
      model_type: 'llama', hidden_size: 4096, intermediate_size: 14336, num_hidden_layers: 32, num_attention_heads: 32,
      num_key_value_heads: 8, max_position_embeddings: 8192, vocab_size: 128256, tie_word_embeddings: false,
    },
  },
  {
    id: 'llama3-70b',
    label: 'Llama 3 70B',
    source: hub('meta-llama/Meta-Llama-3-70B'),
    config: {
      model_type: 'llama', hidden_size: 8192, intermediate_size: 28672, num_hidden_layers: 80, num_attention_heads: 64,
      num_key_value_heads: 8, max_position_embeddings: 8192, vocab_size: 128256, tie_word_embeddings: false,
    },
  },
];

export function presetById(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}
