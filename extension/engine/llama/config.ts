// A Llama-family architecture (Llama, Mistral, Qwen2) is fully described by these sizes and
// switches, under Hugging Face's config.json names. The three families share one forward pass;
// they differ only in which projections carry a bias and in their defaults.

export interface Llama3RopeScaling {
  /** Llama 3.1's frequency-dependent stretch of the rotary frequencies (see rope.ts). */
  readonly rope_type: 'llama3';
  readonly factor: number;
  readonly low_freq_factor: number;
  readonly high_freq_factor: number;
  readonly original_max_position_embeddings: number;
}

export interface LlamaConfig {
  readonly model_type: 'llama' | 'mistral' | 'qwen2';
  readonly num_hidden_layers: number;
  /** Width of the residual stream. */
  readonly hidden_size: number;
  /** Width of the SwiGLU MLP's hidden layer. */
  readonly intermediate_size: number;
  /** Query heads per block. */
  readonly num_attention_heads: number;
  /** Key/value heads per block (grouped-query attention): each serves num_attention_heads / num_key_value_heads query heads. */
  readonly num_key_value_heads: number;
  /** Width of one head; hidden_size / num_attention_heads unless config.json says otherwise. */
  readonly head_dim: number;
  /** Token ids the model reads and predicts: rows of embed_tokens and lm_head the engine uses. */
  readonly vocab_size: number;
  /**
   * Rows stored in embed_tokens and lm_head when the checkpoint pads its vocabulary past its
   * tokenizer's last id (Qwen2.5-0.5B: 151,936 rows for 151,665 tokens, a multiple of 128 that
   * suits GPU kernels). No text maps to those rows, so the engine drops them (paddedVocabulary.ts)
   * and never offers them as a next token; absent when the rows and the tokens agree.
   */
  readonly stored_vocab_rows?: number;
  /** Longest sequence the model was trained for (rotary positions need no table, so this is the only limit). */
  readonly max_position_embeddings: number;
  /**
   * Mistral's (and optionally Qwen2's) attention sees only the last sliding_window keys. The graphs
   * attend to every earlier key, which is the same computation while the sequence is no longer
   * than the window, so contextLength() stops there.
   */
  readonly sliding_window?: number;
  readonly rms_norm_eps: number;
  /** Base of the rotary frequencies θ_i = rope_theta^(-2i/head_dim). */
  readonly rope_theta: number;
  readonly rope_scaling?: Llama3RopeScaling;
  /** True: the output layer is embed_tokens (logits = h·Eᵀ); false: it has its own lm_head.weight. */
  readonly tie_word_embeddings: boolean;
  /** q_proj, k_proj and v_proj have biases (Qwen2 always; Llama when attention_bias is set). */
  readonly qkv_bias: boolean;
  /** o_proj has a bias (Llama's attention_bias; never in Qwen2). */
  readonly o_proj_bias: boolean;
  /** gate_proj, up_proj and down_proj have biases (Llama's mlp_bias). */
  readonly mlp_bias: boolean;
}

/** Query heads that share one key/value head. */
export function queriesPerKeyValue(config: LlamaConfig): number {
  return config.num_attention_heads / config.num_key_value_heads;
}

/** The longest sequence the graphs compute exactly as the model was defined. */
export function contextLength(config: LlamaConfig): number {
  return Math.min(config.max_position_embeddings, config.sliding_window ?? Number.POSITIVE_INFINITY);
}
