// The tokenizer.json object (Hugging Face format) of a byte-level BPE: a regex split into pieces,
// each piece's UTF-8 bytes spelled in the byte-level alphabet, then BPE merges. tiktoken encodings
// and the BPE the extension trains both take this shape; they differ only in the parts below.

export interface ByteLevelBpeParts {
  /** Special tokens, in id order. */
  readonly specialTokens: ReadonlyArray<{ readonly id: number; readonly content: string }>;
  /** The regex that cuts text into pieces before BPE. */
  readonly splitPattern: string;
  /** Token string (byte-level alphabet) → id. */
  readonly vocab: Record<string, number>;
  /** Merges in priority order. */
  readonly merges: Array<[string, string]>;
  /** True: a piece found whole in the vocabulary is one token before any merge (tiktoken's rule). */
  readonly ignoreMerges: boolean;
}

export function byteLevelBpeTokenizerJson(parts: ByteLevelBpeParts): Record<string, unknown> {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: parts.specialTokens.map(({ id, content }) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: null,
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: parts.splitPattern }, behavior: 'Isolated', invert: false },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: parts.ignoreMerges,
      vocab: parts.vocab,
      merges: parts.merges,
    },
  };
}
