// A GPT-2 architecture is fully described by these sizes (Hugging Face config.json names).

export interface GPTConfig {
  /** Number of transformer blocks. */
  readonly n_layer: number;
  /** Attention heads per block; head_dim = n_embd / n_head. */
  readonly n_head: number;
  /** Width of the residual stream. */
  readonly n_embd: number;
  /** Longest sequence: rows of the learned position embedding. */
  readonly n_positions: number;
  readonly vocab_size: number;
  readonly layer_norm_epsilon: number;
}

export function headDim(config: GPTConfig): number {
  return config.n_embd / config.n_head;
}
