// config.json for our GPT-2, with the Hugging Face field names, so that transformers (Python),
// transformers.js and this engine read the same file.

import type { GPTConfig } from '../gpt/config';
import { JsonFields, type JsonObject } from './jsonFile';
import { SIZE_LIMITS } from './sizeLimits';

/** The architecture's sizes plus the special tokens the folder declares. */
export interface GPT2FolderConfig {
  readonly gpt: GPTConfig;
  readonly bosTokenId?: number;
  readonly eosTokenId?: number;
}

/** The activation our graphs compute: GELU with the tanh approximation, as in the GPT-2 paper's code. */
const ACTIVATIONS = new Set(['gelu_new', 'gelu_pytorch_tanh']);

export function gpt2ConfigJson(folder: GPT2FolderConfig): JsonObject {
  const { gpt } = folder;
  return {
    model_type: 'gpt2',
    architectures: ['GPT2LMHeadModel'],
    n_layer: gpt.n_layer,
    n_head: gpt.n_head,
    n_embd: gpt.n_embd,
    n_positions: gpt.n_positions,
    n_ctx: gpt.n_positions,
    vocab_size: gpt.vocab_size,
    layer_norm_epsilon: gpt.layer_norm_epsilon,
    activation_function: 'gelu_new',
    ...(folder.bosTokenId === undefined ? {} : { bos_token_id: folder.bosTokenId }),
    ...(folder.eosTokenId === undefined ? {} : { eos_token_id: folder.eosTokenId }),
    tie_word_embeddings: true,
    use_cache: true,
  };
}

/** Reads and checks a GPT-2 config.json; every problem names the file and the field. */
export function parseGPT2Config(json: JsonObject, shownAs = 'config.json'): GPT2FolderConfig {
  const fields = new JsonFields(json, shownAs);
  const modelType = fields.string('model_type');
  if (modelType !== 'gpt2') fields.fail('model_type', `is ${JSON.stringify(modelType ?? null)}, not "gpt2"`);

  const n_layer = fields.requiredInteger('n_layer', 1, SIZE_LIMITS.layers);
  const n_head = fields.requiredInteger('n_head', 1, SIZE_LIMITS.heads);
  const n_embd = fields.requiredInteger('n_embd', 1, SIZE_LIMITS.width);
  const n_positions = fields.requiredInteger('n_positions', 1, SIZE_LIMITS.context);
  const vocab_size = fields.requiredInteger('vocab_size', 1, SIZE_LIMITS.vocabulary);
  if (n_embd % n_head !== 0) fields.fail('n_embd', `(${n_embd}) is not divisible by n_head (${n_head})`);
  const n_ctx = fields.integer('n_ctx', 1);
  if (n_ctx !== undefined && n_ctx > n_positions) fields.fail('n_ctx', `(${n_ctx}) exceeds n_positions (${n_positions})`);

  const layer_norm_epsilon = fields.number('layer_norm_epsilon') ?? 1e-5;
  if (layer_norm_epsilon <= 0) fields.fail('layer_norm_epsilon', `is ${layer_norm_epsilon}, not positive`);
  const activation = fields.string('activation_function') ?? 'gelu_new';
  if (!ACTIVATIONS.has(activation)) fields.fail('activation_function', `is "${activation}"; the GPT-2 graphs compute "gelu_new"`);
  if (fields.boolean('tie_word_embeddings') === false) fields.fail('tie_word_embeddings', 'is false; the GPT-2 graphs use the token embedding as the output layer');

  const tokenId = (field: string): number | undefined => {
    const id = fields.integer(field);
    if (id !== undefined && id >= vocab_size) fields.fail(field, `(${id}) is outside the vocabulary (vocab_size ${vocab_size})`);
    return id;
  };
  return {
    gpt: { n_layer, n_head, n_embd, n_positions, vocab_size, layer_norm_epsilon },
    bosTokenId: tokenId('bos_token_id'),
    eosTokenId: tokenId('eos_token_id'),
  };
}
