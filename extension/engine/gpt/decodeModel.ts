// The decode graph in the Optimum / transformers.js layout, so that a model folder holding it loads
// in transformers.js and in this engine's runtime. One graph serves the prompt (past = 0) and every
// following step (past = the tokens already seen).
//
//   inputs:  input_ids [batch, seq] int64, attention_mask [batch, past+seq] int64,
//            position_ids [batch, seq] int64, past_key_values.{i}.key|value [batch, n_head, past, head_dim]
//   outputs: logits [batch, seq, vocab], present.{i}.key|value [batch, n_head, past+seq, head_dim]
import { GraphBuilder, type Dim } from '../onnx';
import { emitDecodeAttentionBias } from './attentionMask';
import { headDim, type GPTConfig } from './config';
import { emitGPT2Forward, type KeyValue } from './forwardGraph';
import { addWeightInitializers } from './parameters';
import type { TensorMap } from './tensor';

// Dimension names used by Optimum's GPT-2 export.
const BATCH = 'batch_size';
const SEQ = 'sequence_length';
const PAST = 'past_sequence_length';
const TOTAL = 'past_sequence_length + sequence_length';

export function buildDecodeModel(config: GPTConfig, weights: TensorMap): Uint8Array {
  const g = new GraphBuilder({ name: 'gpt2_decode', docString: 'GPT-2 decode graph with KV cache (Optimum layout)' });
  const inputIds = g.input('input_ids', 'int64', [BATCH, SEQ]);
  const attentionMask = g.input('attention_mask', 'int64', [BATCH, TOTAL]);
  const positionIds = g.input('position_ids', 'int64', [BATCH, SEQ]);
  const cacheDims = (length: string): Dim[] => [BATCH, config.n_head, length, headDim(config)];
  const past: KeyValue[] = Array.from({ length: config.n_layer }, (_, i) => ({
    key: g.input(`past_key_values.${i}.key`, 'float32', cacheDims(PAST)),
    value: g.input(`past_key_values.${i}.value`, 'float32', cacheDims(PAST)),
  }));
  addWeightInitializers(g, config, weights);

  const attentionBias = emitDecodeAttentionBias(g, inputIds, attentionMask);
  const presentNames = (i: number): KeyValue => ({ key: `present.${i}.key`, value: `present.${i}.value` });
  const out = emitGPT2Forward(g, config, { inputIds, positionIds, attentionBias, past, presentNames });

  g.output(out.logits, { name: 'logits', dtype: 'float32', dims: [BATCH, SEQ, config.vocab_size] });
  for (const present of out.presents) {
    g.output(present.key, { dtype: 'float32', dims: cacheDims(TOTAL) });
    g.output(present.value, { dtype: 'float32', dims: cacheDims(TOTAL) });
  }
  return g.toBytes();
}
