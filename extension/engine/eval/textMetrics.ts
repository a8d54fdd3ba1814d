// How well a model predicts a text, from the surprise of its tokens.
//   loss        mean cross-entropy, nats per token: (1/N) Σ −ln p(x_t | x_<t)
//   perplexity  e^loss: the number of equally likely tokens the model is as unsure as
//   bits/byte   Σ −ln p / ln 2 / UTF-8 bytes: comparable across tokenizers, unlike the two above

export interface TextEvaluation {
  readonly tokens: number;
  readonly scoredTokens: number;
  readonly scoredBytes: number;
  readonly totalNats: number;
  readonly loss: number;
  readonly perplexity: number;
  readonly bitsPerByte: number;
}

/** Every token after the first is scored: N = tokens − 1. */
export function summarize(tokens: number, totalNats: number, scoredBytes: number): TextEvaluation {
  const scoredTokens = tokens - 1;
  const loss = totalNats / scoredTokens;
  return { tokens, scoredTokens, scoredBytes, totalNats, loss, perplexity: Math.exp(loss), bitsPerByte: totalNats / Math.LN2 / scoredBytes };
}
