// Arithmetic per token. A multiply-add counts as 2 FLOPs; norms, activations, softmax and
// additions are left out (Kaplan et al. 2020, Table 1).
//   forward  = 2·N_matrices + 2·d·V + 4·L·n_ctx·(h·k)
//              every block matrix once, the output layer (logits), and attention over n_ctx keys:
//              q·kᵀ and p·v, 2·(h·k) multiply-adds each per key per layer. Kaplan's Table 1 lists
//              only the first; PaLM's appendix B (Chowdhery et al. 2022) counts both.
//   training = 3 × forward: the backward pass costs twice the forward (a gradient for the input
//              and one for the weights), so 6·N + 6·d·V + 12·L·n_ctx·(h·k): "6N plus attention".
// A training sequence of T tokens attends to (T + 1)/2 keys per token on average (causal mask).
// RoPE's rotations and SwiGLU's product are elementwise and left out like GELU.
import type { Architecture } from './architecture';
import { countParameters } from './parameters';

export interface ForwardFlops {
  /** 2 · (every weight matrix in the blocks) */
  readonly matrices: number;
  /** 2 · d · V: the logits */
  readonly logits: number;
  /** 4 · L · context · (h·k): scores and the weighted sum of values */
  readonly attention: number;
  readonly total: number;
}

export function forwardFlopsPerToken(a: Architecture, context: number): ForwardFlops {
  const matrices = 2 * countParameters(a).blockMatrices;
  const logits = 2 * a.hiddenSize * a.vocabSize;
  const attention = 4 * a.layers * context * a.heads * a.headDim;
  return { matrices, logits, attention, total: matrices + logits + attention };
}

/** Training FLOPs per token for sequences of `sequenceLength` tokens: 3 × forward at (T+1)/2 keys. */
export function trainingFlopsPerToken(a: Architecture, sequenceLength: number): number {
  return 3 * forwardFlopsPerToken(a, (sequenceLength + 1) / 2).total;
}

/** C: the compute of a training run on `tokens` tokens of sequences `sequenceLength` long. */
export function trainingCompute(a: Architecture, tokens: number, sequenceLength: number): number {
  return trainingFlopsPerToken(a, sequenceLength) * tokens;
}
