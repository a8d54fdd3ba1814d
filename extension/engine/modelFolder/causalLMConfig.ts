// What any causal language model's config.json says about the shapes the runtime must feed.
// Model families name the same quantity differently (GPT-2's n_head is Llama's
// num_attention_heads), so each quantity is looked up under every name in use.

import { JsonFields, type JsonObject } from './jsonFile';
import { SIZE_LIMITS } from './sizeLimits';

export interface CausalLMConfig {
  readonly modelType: string;
  readonly vocabSize?: number;
  /** Longest sequence the position encoding allows. */
  readonly contextLength?: number;
  readonly numLayers?: number;
  readonly numHeads?: number;
  /** Fewer than numHeads in grouped-query attention (Llama, Qwen, SmolLM); 1 in multi-query attention. */
  readonly numKeyValueHeads?: number;
  readonly headDim?: number;
  readonly hiddenSize?: number;
  readonly bosTokenId?: number;
  readonly eosTokenIds: readonly number[];
}

/** The largest value each quantity may take (see sizeLimits.ts). */
const MAX: Record<keyof typeof NAMES, number> = {
  vocabSize: SIZE_LIMITS.vocabulary,
  contextLength: SIZE_LIMITS.context,
  numLayers: SIZE_LIMITS.layers,
  numHeads: SIZE_LIMITS.heads,
  numKeyValueHeads: SIZE_LIMITS.heads,
  headDim: SIZE_LIMITS.width,
  hiddenSize: SIZE_LIMITS.width,
};

const NAMES = {
  vocabSize: ['vocab_size', 'padded_vocab_size'],
  contextLength: ['max_position_embeddings', 'n_positions', 'max_sequence_length', 'seq_length', 'n_ctx'],
  numLayers: ['num_hidden_layers', 'n_layer', 'num_layers', 'n_layers'],
  numHeads: ['num_attention_heads', 'n_head', 'num_heads', 'n_heads'],
  numKeyValueHeads: ['num_key_value_heads', 'n_head_kv', 'num_kv_heads', 'n_kv_heads', 'multi_query_group_num'],
  headDim: ['head_dim', 'kv_channels'],
  hiddenSize: ['hidden_size', 'n_embd', 'd_model', 'dim'],
} as const;

export function parseCausalLMConfig(json: JsonObject, shownAs = 'config.json'): CausalLMConfig {
  const fields = new JsonFields(json, shownAs);
  const modelType = fields.string('model_type') ?? fields.fail('model_type', 'is missing');
  const first = (quantity: keyof typeof NAMES): number | undefined => {
    for (const name of NAMES[quantity]) {
      const value = fields.integer(name, 1, MAX[quantity]);
      if (value !== undefined) return value;
    }
    return undefined;
  };
  const numHeads = first('numHeads');
  const hiddenSize = first('hiddenSize');
  const multiQuery = fields.boolean('multi_query') === true;
  const numKeyValueHeads = first('numKeyValueHeads') ?? (multiQuery ? 1 : numHeads);
  const headDim = first('headDim') ?? (numHeads && hiddenSize && hiddenSize % numHeads === 0 ? hiddenSize / numHeads : undefined);
  const bos = fields.tokenIds('bos_token_id');
  // When several names give the context length (max_position_embeddings and n_positions), the
  // smallest is the one every part of the model supports.
  const lengths = NAMES.contextLength.map((name) => fields.integer(name, 1, MAX.contextLength)).filter((n) => n !== undefined);
  return {
    modelType,
    vocabSize: first('vocabSize'),
    contextLength: lengths.length > 0 ? Math.min(...lengths) : undefined,
    numLayers: first('numLayers'),
    numHeads,
    numKeyValueHeads,
    headDim,
    hiddenSize,
    bosTokenId: bos[0],
    eosTokenIds: fields.tokenIds('eos_token_id'),
  };
}
