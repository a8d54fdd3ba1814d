// The Llama-family decode graph in the Optimum / transformers.js layout, the same inputs and
// outputs as GPT-2's (gpt/decodeModel.ts), so the engine's decode session, generate() and the
// panels run it unchanged. The cache holds the key/value heads, of which there may be fewer than
// query heads (grouped-query attention); keys are stored after their rotation.
//
//   inputs:  input_ids [batch, seq] int64, attention_mask [batch, past+seq] int64,
//            position_ids [batch, seq] int64, past_key_values.{i}.key|value [batch, kv_heads, past, head_dim]
//   outputs: logits [batch, seq, vocab], present.{i}.key|value [batch, kv_heads, past+seq, head_dim]
import { GraphBuilder, type Dim } from '../onnx';
import { emitDecodeAttentionBias } from '../gpt/attentionMask';
import type { KeyValue } from '../gpt/forwardGraph';
import type { TensorMap } from '../gpt/tensor';
import type { LlamaConfig } from './config';
import { emitLlamaForward } from './forwardGraph';
import { addLlamaInitializers } from './parameters';

// Dimension names used by Optimum's exports.
const BATCH = 'batch_size';
const SEQ = 'sequence_length';
const PAST = 'past_sequence_length';
const TOTAL = 'past_sequence_length + sequence_length';

export function buildLlamaDecodeModel(config: LlamaConfig, weights: TensorMap): Uint8Array {
  const g = new GraphBuilder({ name: `${config.model_type}_decode`, docString: `${config.model_type} decode graph with KV cache (Optimum layout)` });
  const inputIds = g.input('input_ids', 'int64', [BATCH, SEQ]);
  const attentionMask = g.input('attention_mask', 'int64', [BATCH, TOTAL]);
  const positionIds = g.input('position_ids', 'int64', [BATCH, SEQ]);
  const cacheDims = (length: string): Dim[] => [BATCH, config.num_key_value_heads, length, config.head_dim];
  const past: KeyValue[] = Array.from({ length: config.num_hidden_layers }, (_, i) => ({
    key: g.input(`past_key_values.${i}.key`, 'float32', cacheDims(PAST)),
    value: g.input(`past_key_values.${i}.value`, 'float32', cacheDims(PAST)),
  }));
  addLlamaInitializers(g, config, weights);

  const attentionBias = emitDecodeAttentionBias(g, inputIds, attentionMask);
  const presentNames = (i: number): KeyValue => ({ key: `present.${i}.key`, value: `present.${i}.value` });
  const out = emitLlamaForward(g, config, { inputIds, positionIds, attentionBias, past, presentNames });

  g.output(out.logits, { name: 'logits', dtype: 'float32', dims: [BATCH, SEQ, config.vocab_size] });
  for (const present of out.presents) {
    g.output(present.key, { dtype: 'float32', dims: cacheDims(TOTAL) });
    g.output(present.value, { dtype: 'float32', dims: cacheDims(TOTAL) });
  }
  return g.toBytes();
}
