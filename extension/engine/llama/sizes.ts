// FLOPs of a Llama-family model per token, counted as gpt/sizes.ts counts GPT-2's (a multiply-add
// is 2; norms, SiLU, softmax and additions left out):
//   projections  2·L·(C·H·D + 2·C·KV·D + H·D·C)    q, k, v (KV heads only: grouped-query attention) and o
//   attention    2·2·L·context·H·D                 q·kᵀ and probabilities·v over `context` keys
//   mlp          2·L·3·C·I                         SwiGLU's gate, up and down
//   logits       2·C·vocab
import type { LlamaConfig } from './config';

export function llamaForwardFlopsPerToken(config: LlamaConfig, context: number): number {
  const { hidden_size: C, num_hidden_layers: L, num_attention_heads: H, num_key_value_heads: KV, head_dim: D, intermediate_size: I } = config;
  const projections = 2 * L * (C * H * D + 2 * C * KV * D + H * D * C);
  const attention = 2 * 2 * L * context * H * D;
  const mlp = 2 * L * 3 * C * I;
  return projections + attention + mlp + 2 * C * config.vocab_size;
}
