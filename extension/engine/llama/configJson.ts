// Reads a Llama, Mistral or Qwen2 config.json into a LlamaConfig, with each family's defaults
// (those of transformers' LlamaConfig, MistralConfig and Qwen2Config). Every problem names the
// file and the field.
import { JsonFields, type JsonObject } from '../modelFolder/jsonFile';
import { SIZE_LIMITS } from '../modelFolder/sizeLimits';
import type { Llama3RopeScaling, LlamaConfig } from './config';

export const LLAMA_MODEL_TYPES = ['llama', 'mistral', 'qwen2'] as const;

export function isLlamaModelType(modelType: string | undefined): modelType is LlamaConfig['model_type'] {
  return (LLAMA_MODEL_TYPES as readonly string[]).includes(modelType ?? '');
}

/** The defaults each family's Python config class uses for fields a config.json leaves out. */
const DEFAULTS: Record<LlamaConfig['model_type'], { rope_theta: number; rms_norm_eps: number; max_position_embeddings: number }> = {
  llama: { rope_theta: 10_000, rms_norm_eps: 1e-6, max_position_embeddings: 2048 },
  mistral: { rope_theta: 10_000, rms_norm_eps: 1e-6, max_position_embeddings: 4096 * 32 },
  qwen2: { rope_theta: 10_000, rms_norm_eps: 1e-6, max_position_embeddings: 32_768 },
};

export function parseLlamaConfig(json: JsonObject, shownAs = 'config.json'): LlamaConfig {
  const fields = new JsonFields(json, shownAs);
  const model_type = fields.string('model_type');
  if (!isLlamaModelType(model_type)) return fields.fail('model_type', `is ${JSON.stringify(model_type ?? null)}; the Llama-family graphs read ${LLAMA_MODEL_TYPES.map((t) => `"${t}"`).join(', ')}`);
  const defaults = DEFAULTS[model_type];

  const num_hidden_layers = fields.requiredInteger('num_hidden_layers', 1, SIZE_LIMITS.layers);
  const hidden_size = fields.requiredInteger('hidden_size', 1, SIZE_LIMITS.width);
  const intermediate_size = fields.requiredInteger('intermediate_size', 1, SIZE_LIMITS.width);
  const num_attention_heads = fields.requiredInteger('num_attention_heads', 1, SIZE_LIMITS.heads);
  const num_key_value_heads = fields.integer('num_key_value_heads', 1, SIZE_LIMITS.heads) ?? num_attention_heads;
  if (num_attention_heads % num_key_value_heads !== 0) {
    fields.fail('num_key_value_heads', `(${num_key_value_heads}) does not divide num_attention_heads (${num_attention_heads})`);
  }
  const head_dim = fields.integer('head_dim', 1, SIZE_LIMITS.width) ?? hidden_size / num_attention_heads;
  if (!Number.isInteger(head_dim)) fields.fail('hidden_size', `(${hidden_size}) is not divisible by num_attention_heads (${num_attention_heads}) and head_dim is not given`);
  if (head_dim % 2 !== 0) fields.fail('head_dim', `is ${head_dim}; rotary embeddings rotate pairs of dimensions, so it must be even`);
  const vocab_size = fields.requiredInteger('vocab_size', 1, SIZE_LIMITS.vocabulary);
  const max_position_embeddings = fields.integer('max_position_embeddings', 1, SIZE_LIMITS.context) ?? defaults.max_position_embeddings;

  const positive = (field: string, fallback: number): number => {
    const value = fields.number(field) ?? fallback;
    if (!(value > 0)) fields.fail(field, `is ${value}, not positive`);
    return value;
  };
  const activation = fields.string('hidden_act') ?? 'silu';
  if (activation !== 'silu') fields.fail('hidden_act', `is "${activation}"; the Llama-family graphs compute SwiGLU with "silu"`);

  const attentionBias = fields.boolean('attention_bias') ?? false;
  return {
    model_type,
    num_hidden_layers,
    hidden_size,
    intermediate_size,
    num_attention_heads,
    num_key_value_heads,
    head_dim,
    vocab_size,
    max_position_embeddings,
    rms_norm_eps: positive('rms_norm_eps', defaults.rms_norm_eps),
    rope_theta: positive('rope_theta', defaults.rope_theta),
    rope_scaling: parseRopeScaling(json.rope_scaling, shownAs),
    tie_word_embeddings: fields.boolean('tie_word_embeddings') ?? false,
    sliding_window: slidingWindow(fields, model_type),
    qkv_bias: model_type === 'qwen2' || attentionBias,
    o_proj_bias: model_type !== 'qwen2' && attentionBias,
    mlp_bias: model_type === 'llama' && (fields.boolean('mlp_bias') ?? false),
  };
}

/** config.json for a Llama-family model this program trained, read back by parseLlamaConfig and by transformers' LlamaConfig. */
export function llamaConfigJson(config: LlamaConfig, tokens: { bosTokenId?: number; eosTokenId?: number }): JsonObject {
  // Mistral's and Qwen2's files carry other fields (sliding window, Qwen2's implied biases); the trainer makes Llamas only.
  if (config.model_type !== 'llama') throw new Error(`config.json: writing model_type "${config.model_type}" is not supported, only "llama"`);
  return {
    model_type: 'llama',
    architectures: ['LlamaForCausalLM'],
    num_hidden_layers: config.num_hidden_layers,
    hidden_size: config.hidden_size,
    intermediate_size: config.intermediate_size,
    num_attention_heads: config.num_attention_heads,
    num_key_value_heads: config.num_key_value_heads,
    head_dim: config.head_dim,
    vocab_size: config.vocab_size,
    max_position_embeddings: config.max_position_embeddings,
    rms_norm_eps: config.rms_norm_eps,
    rope_theta: config.rope_theta,
    ...(config.rope_scaling ? { rope_scaling: config.rope_scaling } : {}),
    tie_word_embeddings: config.tie_word_embeddings,
    attention_bias: config.qkv_bias,
    mlp_bias: config.mlp_bias,
    hidden_act: 'silu',
    ...(tokens.bosTokenId === undefined ? {} : { bos_token_id: tokens.bosTokenId }),
    ...(tokens.eosTokenId === undefined ? {} : { eos_token_id: tokens.eosTokenId }),
    torch_dtype: 'float32',
    use_cache: true,
  };
}

/** Mistral attends to the last sliding_window keys only; Qwen2 too when use_sliding_window is set. */
function slidingWindow(fields: JsonFields, modelType: LlamaConfig['model_type']): number | undefined {
  if (modelType === 'llama' || (modelType === 'qwen2' && fields.boolean('use_sliding_window') !== true)) return undefined;
  return fields.integer('sliding_window', 1, SIZE_LIMITS.context);
}

/** null / absent / type "default": plain RoPE. "llama3": Llama 3.1's scaling. Any other type is refused by name. */
function parseRopeScaling(value: unknown, shownAs: string): Llama3RopeScaling | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) new JsonFields({}, shownAs).fail('rope_scaling', 'is not an object');
  const fields = new JsonFields(value as JsonObject, `${shownAs} rope_scaling`);
  const type = fields.string('rope_type') ?? fields.string('type');
  if (type === undefined || type === 'default') return undefined;
  if (type !== 'llama3') fields.fail('rope_type', `is "${type}"; the Llama-family graphs support rotary scaling of type "llama3" only`);
  const positive = (field: string): number => {
    const v = fields.number(field);
    if (v === undefined || !(v > 0)) return fields.fail(field, v === undefined ? 'is missing' : `is ${v}, not positive`);
    return v;
  };
  const scaling: Llama3RopeScaling = {
    rope_type: 'llama3',
    factor: positive('factor'),
    low_freq_factor: positive('low_freq_factor'),
    high_freq_factor: positive('high_freq_factor'),
    original_max_position_embeddings: positive('original_max_position_embeddings'),
  };
  if (scaling.high_freq_factor <= scaling.low_freq_factor) fields.fail('high_freq_factor', `(${scaling.high_freq_factor}) must exceed low_freq_factor (${scaling.low_freq_factor})`);
  return scaling;
}
