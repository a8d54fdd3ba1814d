// What every tokenizer in the project offers, whatever file or package it came from.

export interface TokenSpan {
  readonly id: number;
  /** The token as text; may hold U+FFFD where the token ends inside a multi-byte character. */
  readonly text: string;
  /** The UTF-8 bytes this token stands for. */
  readonly bytes: Uint8Array;
  /**
   * UTF-16 offsets of the token in the encoded string, [start, end). A token that starts or ends
   * inside a multi-byte character (a byte-level tokenizer may cut "é" = C3 A9 between its bytes)
   * gets the whole character: tokens sharing a character share its range. Tokens the tokenizer adds
   * around the text (BOS, [CLS]) have empty ranges.
   */
  readonly start: number;
  readonly end: number;
  /** True for added special tokens such as <|endoftext|>. */
  readonly special: boolean;
}

export interface TextTokenizer {
  /** Shown to the user, e.g. "cl100k_base" or a folder name. */
  readonly name: string;
  readonly vocabSize: number;
  encode(text: string): TokenSpan[];
  decode(ids: readonly number[]): string;
}

/** What code that only writes tokens down needs. */
export interface TokenDecoder {
  decode(ids: readonly number[]): string;
}

/** What code that only encodes needs: a tokenizer in this thread or one run in a worker. */
export interface SpanEncoder {
  encode(text: string): TokenSpan[] | Promise<TokenSpan[]>;
}
