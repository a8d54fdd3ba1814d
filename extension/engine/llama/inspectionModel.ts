// The Llama-family inspection graph: the decode graph's weights run over a whole sequence without
// a cache, with the same outputs as GPT-2's (gpt/inspectionModel.ts), so every inspector draws it.
//
//   input:   input_ids [batch, T] int64 (positions are 0..T-1)
//   outputs: logits [batch, T, vocab]
//            attentions.{i}     [batch, heads, T, T]  attention probabilities of layer i, one map per
//                                                     query head (heads of a group share keys, not maps)
//            hidden_states.{j}  [batch, T, hidden]    j = 0: the embeddings; j = 1..layers: after layer j,
//                                                     before the final norm
//            logit_lens.{j}     [batch, T, vocab]     lm_head(norm(hidden_states.j)), when asked
//            logit_lens_top.{j}.probs, .ids [batch, T, k]  with lensTopK, as GPT-2's
import { GraphBuilder } from '../onnx';
import { emitCausalAttentionBias, emitPositions, emitSequenceLength } from '../gpt/attentionMask';
import { emitLensTop, type InspectionOptions } from '../gpt/inspectionModel';
import type { TensorMap } from '../gpt/tensor';
import type { LlamaConfig } from './config';
import { emitLlamaForward, emitLlamaLMHead } from './forwardGraph';
import { addLlamaInitializers } from './parameters';

export function buildLlamaInspectionModel(config: LlamaConfig, weights: TensorMap, options: InspectionOptions): Uint8Array {
  const g = new GraphBuilder({ name: `${config.model_type}_inspection`, docString: `${config.model_type} forward with attention probabilities and hidden states as outputs` });
  const inputIds = g.input('input_ids', 'int64', ['batch', 'tokens']);
  addLlamaInitializers(g, config, weights);

  const length = emitSequenceLength(g, inputIds);
  const out = emitLlamaForward(g, config, { inputIds, positionIds: emitPositions(g, length), attentionBias: emitCausalAttentionBias(g, length) });

  g.output(out.logits, { name: 'logits', dtype: 'float32', dims: ['batch', 'tokens', config.vocab_size] });
  out.attentions.forEach((probs, i) => {
    g.output(probs, { name: `attentions.${i}`, dtype: 'float32', dims: ['batch', config.num_attention_heads, 'tokens', 'tokens'] });
  });
  out.hiddenStates.forEach((hidden, j) => {
    g.output(hidden, { name: `hidden_states.${j}`, dtype: 'float32', dims: ['batch', 'tokens', config.hidden_size] });
  });
  if (options.logitLens) {
    out.hiddenStates.forEach((hidden, j) => {
      const lens = emitLlamaLMHead(g, config, hidden, out.outputWeight, undefined, `lens.${j}`);
      g.output(lens, { name: `logit_lens.${j}`, dtype: 'float32', dims: ['batch', 'tokens', config.vocab_size] });
      if (options.lensTopK) emitLensTop(g, lens, j, Math.min(options.lensTopK, config.vocab_size));
    });
  }
  return g.toBytes();
}
