// A trained byte-level BPE written in the Hugging Face format: tokenizer.json (loaded by
// @huggingface/tokenizers, transformers.js and Python's tokenizers) and a tokenizer_config.json
// with a chat template for a plain-text model.

import * as path from 'node:path';
import { writeJsonAtomic } from '../modelFolder/atomicWrite';
import { bytesToVocabString } from './byteLevel';
import { byteLevelBpeTokenizerJson } from './byteLevelTokenizerJson';
import type { TrainedBpe } from './bpeTrainer';
import { PLAIN_TEXT_TEMPLATE } from './chatTemplateExamples';
import { GPT2_PATTERN } from './gpt2PreTokenizer';

export function trainedTokenizerJson(bpe: TrainedBpe): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  bpe.tokens.forEach((bytes, id) => (vocab[bytesToVocabString(bytes)] = id));
  const spelled = (id: number): string => bytesToVocabString(bpe.tokens[id]);
  return byteLevelBpeTokenizerJson({
    specialTokens: bpe.specialTokens,
    // Cut with GPT-2's regex, then spell each piece's bytes in the byte-level alphabet.
    splitPattern: GPT2_PATTERN,
    vocab,
    merges: bpe.merges.map((m) => [spelled(m.left), spelled(m.right)]),
    ignoreMerges: false,
  });
}

/**
 * The first special token (GPT-2's <|endoftext|>) serves as BOS, EOS and UNK, as in GPT-2: the
 * corpus separates documents with it, so the model learns it as "a new document starts here".
 */
export function trainedTokenizerConfig(bpe: TrainedBpe): Record<string, unknown> {
  const boundary = bpe.specialTokens[0]?.content;
  return {
    tokenizer_class: 'GPT2Tokenizer',
    ...(boundary === undefined ? {} : { bos_token: boundary, eos_token: boundary, unk_token: boundary }),
    add_bos_token: false,
    add_prefix_space: false,
    clean_up_tokenization_spaces: false,
    chat_template: PLAIN_TEXT_TEMPLATE,
  };
}

/** Writes tokenizer.json and tokenizer_config.json into `dir` (each atomically); returns their paths. */
export function writeTrainedTokenizer(dir: string, bpe: TrainedBpe): { tokenizerJson: string; tokenizerConfig: string } {
  const tokenizerJson = path.join(dir, 'tokenizer.json');
  const tokenizerConfig = path.join(dir, 'tokenizer_config.json');
  writeJsonAtomic(tokenizerJson, trainedTokenizerJson(bpe));
  writeJsonAtomic(tokenizerConfig, trainedTokenizerConfig(bpe));
  return { tokenizerJson, tokenizerConfig };
}
