// The simplest tokenizer a model can train with: one token per byte (256) plus <|endoftext|>,
// written as an ordinary byte-level BPE tokenizer.json with no merges, so the model folder it goes
// into loads everywhere. The trainer uses it when no tokenizer is given: any text works, at the
// cost of longer sequences than a trained BPE vocabulary would give.

import { BYTE_TO_CHAR } from '../tokenizer/byteLevel';

export const BYTE_VOCAB_SIZE = 257;

export function byteTokenizerJson(): Record<string, unknown> {
  const byteLevel = { add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: '1.0',
    added_tokens: [{ id: 256, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', ...byteLevel },
    post_processor: null,
    decoder: { type: 'ByteLevel', ...byteLevel },
    model: {
      type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
      fuse_unk: false, byte_fallback: false, ignore_merges: false,
      vocab: Object.fromEntries(BYTE_TO_CHAR.map((c, b) => [c, b])),
      merges: [],
    },
  };
}
