// The sizes that decide how big a transformer is and how much arithmetic it does, read from a
// Hugging Face config.json. Two families are understood:
//   gpt2   learned positions, LayerNorm with bias, GELU MLP (4·d wide unless n_inner), biases
//          on every linear layer, output layer tied to the token embedding;
//   llama  (and mistral, qwen2) RoPE (no position weights), RMSNorm (a gain, no bias), SwiGLU MLP
//          (gate, up and down matrices), grouped-query attention (num_key_value_heads ≤ heads;
//          1 is multi-query), tied or untied output layer, no biases except where the config or
//          the family says so (Qwen2 puts biases on q, k and v).

import { JsonFields, type JsonObject } from '../modelFolder/jsonFile';
import { SIZE_LIMITS } from '../modelFolder/sizeLimits';

export type Family = 'gpt2' | 'llama';

export interface Architecture {
  readonly modelType: string;
  readonly family: Family;
  readonly vocabSize: number;
  /** d_model: width of the residual stream. */
  readonly hiddenSize: number;
  readonly layers: number;
  readonly heads: number;
  /** Heads that have their own keys and values (GQA: fewer than heads; MQA: 1). */
  readonly kvHeads: number;
  readonly headDim: number;
  /** Width of the MLP's hidden layer (d_ff). */
  readonly intermediateSize: number;
  /** Longest sequence the model was built for. */
  readonly contextLength: number;
  readonly tiedEmbeddings: boolean;
  /** Biases on the q, k and v projections. */
  readonly qkvBias: boolean;
  /** A bias on the attention output projection. */
  readonly outputBias: boolean;
  readonly mlpBias: boolean;
}

/** The model_type values each family covers. */
const FAMILIES: Record<string, Family> = { gpt2: 'gpt2', llama: 'llama', mistral: 'llama', qwen2: 'llama' };

export const KNOWN_MODEL_TYPES = Object.keys(FAMILIES);

/** Reads an architecture from config.json; every problem names `shownAs` and the field. */
export function architectureFromConfig(json: JsonObject, shownAs = 'config.json'): Architecture {
  const fields = new JsonFields(json, shownAs);
  const modelType = fields.string('model_type') ?? fields.fail('model_type', 'is missing');
  const family = FAMILIES[modelType];
  if (!family) fields.fail('model_type', `is "${modelType}"; the calculator knows ${KNOWN_MODEL_TYPES.map((t) => `"${t}"`).join(', ')}`);
  return family === 'gpt2' ? gpt2Architecture(fields) : llamaArchitecture(fields, modelType);
}

function gpt2Architecture(fields: JsonFields): Architecture {
  const hiddenSize = fields.requiredInteger('n_embd', 1, SIZE_LIMITS.width);
  const heads = fields.requiredInteger('n_head', 1, SIZE_LIMITS.heads);
  if (hiddenSize % heads !== 0) fields.fail('n_embd', `(${hiddenSize}) is not divisible by n_head (${heads})`);
  return {
    modelType: 'gpt2',
    family: 'gpt2',
    vocabSize: fields.requiredInteger('vocab_size', 1, SIZE_LIMITS.vocabulary),
    hiddenSize,
    layers: fields.requiredInteger('n_layer', 1, SIZE_LIMITS.layers),
    heads,
    kvHeads: heads,
    headDim: hiddenSize / heads,
    // n_inner is null in GPT-2's own configs, meaning 4·n_embd.
    intermediateSize: (fields.json.n_inner === null ? undefined : fields.integer('n_inner', 1)) ?? 4 * hiddenSize,
    contextLength: fields.requiredInteger('n_positions', 1, SIZE_LIMITS.context),
    tiedEmbeddings: fields.boolean('tie_word_embeddings') ?? true,
    qkvBias: true,
    outputBias: true,
    mlpBias: true,
  };
}

function llamaArchitecture(fields: JsonFields, modelType: string): Architecture {
  const hiddenSize = fields.requiredInteger('hidden_size', 1, SIZE_LIMITS.width);
  const heads = fields.requiredInteger('num_attention_heads', 1, SIZE_LIMITS.heads);
  const kvHeads = fields.integer('num_key_value_heads', 1, SIZE_LIMITS.heads) ?? heads;
  if (heads % kvHeads !== 0) fields.fail('num_key_value_heads', `(${kvHeads}) does not divide num_attention_heads (${heads})`);
  const headDim = (fields.json.head_dim === null ? undefined : fields.integer('head_dim', 1, SIZE_LIMITS.width)) ?? hiddenSize / heads;
  if (!Number.isInteger(headDim)) fields.fail('hidden_size', `(${hiddenSize}) is not divisible by num_attention_heads (${heads}) and there is no head_dim`);
  // Llama's attention_bias puts a bias on q, k, v and o; Qwen2 always has q, k, v biases and no o bias.
  const attentionBias = fields.boolean('attention_bias') ?? false;
  return {
    modelType,
    family: 'llama',
    vocabSize: fields.requiredInteger('vocab_size', 1, SIZE_LIMITS.vocabulary),
    hiddenSize,
    layers: fields.requiredInteger('num_hidden_layers', 1, SIZE_LIMITS.layers),
    heads,
    kvHeads,
    headDim,
    intermediateSize: fields.requiredInteger('intermediate_size', 1, SIZE_LIMITS.width * 16),
    contextLength: fields.requiredInteger('max_position_embeddings', 1, SIZE_LIMITS.context),
    // transformers' LlamaConfig, MistralConfig and Qwen2Config all default to untied.
    tiedEmbeddings: fields.boolean('tie_word_embeddings') ?? false,
    qkvBias: modelType === 'qwen2' || attentionBias,
    outputBias: modelType !== 'qwen2' && attentionBias,
    mlpBias: fields.boolean('mlp_bias') ?? false,
  };
}
