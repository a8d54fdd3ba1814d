// Parameters of an architecture, counted matrix by matrix as the checkpoint stores them.
//   embeddings   token V·d (+ learned positions n_ctx·d for GPT-2) (+ an untied output layer V·d)
//   attention    q: d·(h·k)   k, v: d·(h_kv·k) each   o: (h·k)·d      (k = head_dim)
//   MLP          GELU: d·d_ff + d_ff·d      SwiGLU: gate and up d·d_ff each, down d_ff·d
//   norms        LayerNorm: gain and bias (2·d)    RMSNorm: gain only (d); two per block, one final
// N (Kaplan et al. 2020, "Scaling Laws for Neural Language Models") is everything but the
// embeddings: the token and position tables and an untied output layer.
import type { Architecture } from './architecture';

export interface ParameterBreakdown {
  readonly total: number;
  /** Kaplan's N: total minus every embedding and the untied output layer. */
  readonly nonEmbedding: number;
  /** Token (and position) embeddings, plus the output layer when it is untied. */
  readonly embedding: number;
  /** Every weight matrix inside the blocks (no biases or norms): what the blocks multiply by. */
  readonly blockMatrices: number;
  readonly attention: number;
  readonly mlp: number;
  readonly norms: number;
}

export function countParameters(a: Architecture): ParameterBreakdown {
  const d = a.hiddenSize;
  const qWidth = a.heads * a.headDim;
  const kvWidth = a.kvHeads * a.headDim;
  const attentionMatrices = d * qWidth + 2 * d * kvWidth + qWidth * d;
  const attentionBiases = (a.qkvBias ? qWidth + 2 * kvWidth : 0) + (a.outputBias ? d : 0);
  const swiglu = a.family === 'llama';
  const mlpMatrices = (swiglu ? 3 : 2) * d * a.intermediateSize;
  const mlpBiases = a.mlpBias ? (swiglu ? 2 : 1) * a.intermediateSize + d : 0;
  const normWidth = a.family === 'gpt2' ? 2 * d : d;

  const attention = a.layers * (attentionMatrices + attentionBiases);
  const mlp = a.layers * (mlpMatrices + mlpBiases);
  const norms = (2 * a.layers + 1) * normWidth;
  const positions = a.family === 'gpt2' ? a.contextLength * d : 0;
  const embedding = a.vocabSize * d * (a.tiedEmbeddings ? 1 : 2) + positions;
  const nonEmbedding = attention + mlp + norms;
  return {
    total: embedding + nonEmbedding,
    nonEmbedding,
    embedding,
    blockMatrices: a.layers * (attentionMatrices + mlpMatrices),
    attention,
    mlp,
    norms,
  };
}
