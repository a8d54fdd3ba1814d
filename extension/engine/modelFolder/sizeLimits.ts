// The largest sizes a model folder may claim. A config.json is untrusted input: its numbers size
// lists, tensors and buffers, so each is checked against these maxima (and, where the folder has
// them, against the weights the folder actually holds) before anything is built from it.
// The maxima sit far above every published model, so no real folder meets them:
//   layers     126 in Llama 3.1 405B                      → 1,024
//   heads      128                                         → 4,096
//   width      16,384 (hidden size)                        → 1,048,576 (MLP widths included)
//   vocabulary 256,000 (Gemma)                             → 4,194,304
//   context    10,485,760 claimed by Llama 4 Scout         → 16,777,216

export const SIZE_LIMITS = {
  layers: 1_024,
  heads: 4_096,
  width: 1_048_576,
  vocabulary: 4_194_304,
  context: 16_777_216,
} as const;
