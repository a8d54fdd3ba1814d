// A checkpoint may store more embedding rows than its tokenizer has tokens: vocabularies are padded
// to a multiple of 64 or 128 so that the output MatMul tiles evenly on a GPU (Qwen2.5-0.5B stores
// 151,936 rows for the 151,665 ids of its tokenizer). No text encodes to a padded row and no text
// decodes from one, yet the output layer still gives each a logit; a sampler that picks one
// produces an id that no tokenizer can turn back into text. The engine keeps only the rows the
// tokenizer uses, in embed_tokens and lm_head alike, so logits end at the tokenizer's last id.
import type { TensorMap } from '../gpt/tensor';
import type { LlamaConfig } from './config';
import { EMBED_TOKENS, LM_HEAD } from './parameters';

/** The config for the tokenizer's ids only: vocab_size becomes `tokenizerIds` when the checkpoint stores more rows. */
export function withoutPaddedRows(config: LlamaConfig, tokenizerIds: number): LlamaConfig {
  if (tokenizerIds <= 0 || tokenizerIds >= config.vocab_size) return config;
  return { ...config, vocab_size: tokenizerIds, stored_vocab_rows: config.vocab_size };
}

/** The rows a config without padding implies: the stored ones, for checking a checkpoint's shapes. */
export function storedRowsConfig(config: LlamaConfig): LlamaConfig {
  return config.stored_vocab_rows === undefined ? config : { ...config, vocab_size: config.stored_vocab_rows };
}

/** embed_tokens and lm_head cut to their first vocab_size rows (views into the read weights, not copies). */
export function dropPaddedRows(weights: TensorMap, config: LlamaConfig): TensorMap {
  if (config.stored_vocab_rows === undefined) return weights;
  for (const name of [EMBED_TOKENS, LM_HEAD]) {
    const tensor = weights.get(name);
    if (!tensor) continue;
    const width = tensor.dims[1];
    weights.set(name, { dims: [config.vocab_size, width], data: tensor.data.subarray(0, config.vocab_size * width) });
  }
  return weights;
}
