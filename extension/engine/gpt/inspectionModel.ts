// The inspection graph: the same weights as the decode graph, run over a whole sequence without a
// cache, returning what the attention and logit-lens views draw.
//
//   input:   input_ids [batch, T] int64 (positions are 0..T-1)
//   outputs: logits [batch, T, vocab]
//            attentions.{i}     [batch, n_head, T, T]  attention probabilities of block i (0-based)
//            hidden_states.{j}  [batch, T, n_embd]     j = 0: the embeddings; j = 1..n_layer: the
//                                                      residual stream after block j (Hugging Face's
//                                                      convention, except that the last one is taken
//                                                      before ln_f, like all the others)
//            logit_lens.{j}     [batch, T, vocab]      lm_head(ln_f(hidden_states.j)), when asked;
//                                                      logit_lens.{n_layer} equals logits
//            logit_lens_top.{j}.probs [batch, T, k]    with lensTopK = k: TopK(softmax(logit_lens.j)),
//            logit_lens_top.{j}.ids   [batch, T, k]    the k most likely tokens of every position,
//                                                      most likely first (what a table of the lens shows,
//                                                      at k / vocab of the lens's size)
import { attr, GraphBuilder } from '../onnx';
import { emitCausalAttentionBias, emitPositions, emitSequenceLength } from './attentionMask';
import type { GPTConfig } from './config';
import { emitGPT2Forward, emitLMHead } from './forwardGraph';
import { addWeightInitializers } from './parameters';
import type { TensorMap } from './tensor';

export interface InspectionOptions {
  readonly logitLens: boolean;
  /** With logitLens: also each position's k most likely tokens of every lens, with their probabilities. */
  readonly lensTopK?: number;
}

export function buildInspectionModel(config: GPTConfig, weights: TensorMap, options: InspectionOptions): Uint8Array {
  const g = new GraphBuilder({ name: 'gpt2_inspection', docString: 'GPT-2 forward with attention probabilities and hidden states as outputs' });
  const inputIds = g.input('input_ids', 'int64', ['batch', 'tokens']);
  addWeightInitializers(g, config, weights);

  const length = emitSequenceLength(g, inputIds);
  const out = emitGPT2Forward(g, config, {
    inputIds,
    positionIds: emitPositions(g, length),
    attentionBias: emitCausalAttentionBias(g, length),
  });

  g.output(out.logits, { name: 'logits', dtype: 'float32', dims: ['batch', 'tokens', config.vocab_size] });
  out.attentions.forEach((probs, i) => {
    g.output(probs, { name: `attentions.${i}`, dtype: 'float32', dims: ['batch', config.n_head, 'tokens', 'tokens'] });
  });
  out.hiddenStates.forEach((hidden, j) => {
    g.output(hidden, { name: `hidden_states.${j}`, dtype: 'float32', dims: ['batch', 'tokens', config.n_embd] });
  });
  if (options.logitLens) {
    out.hiddenStates.forEach((hidden, j) => {
      const lens = emitLMHead(g, config, hidden, out.outputWeight, undefined, `lens.${j}`);
      g.output(lens, { name: `logit_lens.${j}`, dtype: 'float32', dims: ['batch', 'tokens', config.vocab_size] });
      if (options.lensTopK) emitLensTop(g, lens, j, Math.min(options.lensTopK, config.vocab_size));
    });
  }
  return g.toBytes();
}

/** logit_lens_top.{j}.probs and .ids: TopK over the last axis of softmax(lens), largest first (ties: the lower id first). */
export function emitLensTop(g: GraphBuilder, lens: string, j: number, k: number): void {
  const probs = g.op('Softmax', [lens], { axis: attr.int(-1) }, { name: `lens_probs.${j}` });
  const [values, ids] = g.node('TopK', [probs, g.constant(BigInt64Array.of(BigInt(k)), [1], `lens_k.${j}`)], { axis: attr.int(-1), largest: attr.int(1), sorted: attr.int(1) }, { name: `lens_top.${j}`, outputs: 2 });
  g.output(values, { name: `logit_lens_top.${j}.probs`, dtype: 'float32', dims: ['batch', 'tokens', k] });
  g.output(ids, { name: `logit_lens_top.${j}.ids`, dtype: 'int64', dims: ['batch', 'tokens', k] });
}
