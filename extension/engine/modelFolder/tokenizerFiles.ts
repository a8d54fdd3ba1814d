// tokenizer.json and tokenizer_config.json pass through this engine unchanged: the tokenizer code
// (or the caller) makes them. Here they are only checked against config.json, and the small
// tokenizer_config.json a GPT-2 folder needs is filled in.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { readBoundedFileSync, UnreadableFileError } from '../files/readBounded';
import { ModelFolderError } from './folderError';
import type { JsonObject } from './jsonFile';

interface AddedToken {
  readonly id: number;
  readonly content: string;
}

/** Every (token, id) pair the tokenizer can produce: the model's vocabulary plus added tokens. */
export function tokenizerEntries(tokenizerJson: JsonObject, shownAs = 'tokenizer.json'): Array<[string, number]> {
  const model = tokenizerJson.model as JsonObject | undefined;
  if (typeof model !== 'object' || model === null) throw new ModelFolderError(shownAs, 'model is missing');
  const vocab = model.vocab;
  let entries: Array<[string, number]>;
  if (Array.isArray(vocab)) {
    // Unigram: [[piece, score], ...], the id is the position.
    entries = vocab.map((item, id) => [String(Array.isArray(item) ? item[0] : item), id]);
  } else if (typeof vocab === 'object' && vocab !== null) {
    entries = Object.entries(vocab as Record<string, unknown>).map(([token, id]) => {
      if (!Number.isSafeInteger(id) || (id as number) < 0) throw new ModelFolderError(shownAs, `model.vocab["${token}"] is ${JSON.stringify(id)}, not a token id`);
      return [token, id as number];
    });
  } else {
    throw new ModelFolderError(shownAs, 'model.vocab is missing');
  }
  const added = (tokenizerJson.added_tokens ?? []) as AddedToken[];
  if (!Array.isArray(added)) throw new ModelFolderError(shownAs, 'added_tokens is not a list');
  for (const token of added) {
    if (!Number.isSafeInteger(token.id) || typeof token.content !== 'string') throw new ModelFolderError(shownAs, `added token ${JSON.stringify(token)} has no id or content`);
    entries.push([token.content, token.id]);
  }
  return entries;
}

/** One more than the largest token id: the rows of the embedding the tokenizer needs. */
export function tokenizerIdLimit(tokenizerJson: JsonObject, shownAs = 'tokenizer.json'): number {
  return tokenizerEntries(tokenizerJson, shownAs).reduce((limit, [, id]) => Math.max(limit, id + 1), 0);
}

/**
 * The tokenizer must not produce an id the model has no embedding row for. (A model may have
 * more rows than tokens: vocabularies are often padded to a multiple of 64.)
 */
export function checkTokenizerFitsVocabulary(tokenizerJson: JsonObject, vocabSize: number, shownAs = 'tokenizer.json'): void {
  let largest: [string, number] | undefined;
  for (const entry of tokenizerEntries(tokenizerJson, shownAs)) if (!largest || entry[1] > largest[1]) largest = entry;
  if (largest && largest[1] >= vocabSize) {
    throw new ModelFolderError(
      shownAs,
      `token ${JSON.stringify(largest[0])} has id ${largest[1]}, but config.json vocab_size is ${vocabSize}: the vocabulary does not match the model`,
    );
  }
}

export function findTokenId(tokenizerJson: JsonObject, text: string): number | undefined {
  return tokenizerEntries(tokenizerJson).find(([token]) => token === text)?.[1];
}

function tokenText(tokenizerJson: JsonObject, id: number | undefined): string | undefined {
  return id === undefined ? undefined : tokenizerEntries(tokenizerJson).find(([, tokenId]) => tokenId === id)?.[0];
}

/** tokenizer_config.json for a byte-level BPE GPT-2 tokenizer, as transformers writes it. */
export function gpt2TokenizerConfig(
  tokenizerJson: JsonObject,
  options: { bosTokenId?: number; eosTokenId?: number; modelMaxLength: number; chatTemplate?: string },
): JsonObject {
  const bos = tokenText(tokenizerJson, options.bosTokenId);
  const eos = tokenText(tokenizerJson, options.eosTokenId);
  return {
    tokenizer_class: 'GPT2Tokenizer',
    ...(bos === undefined ? {} : { bos_token: bos }),
    ...(eos === undefined ? {} : { eos_token: eos, unk_token: eos }),
    model_max_length: options.modelMaxLength,
    add_prefix_space: false,
    clean_up_tokenization_spaces: false,
    ...(options.chatTemplate === undefined ? {} : { chat_template: options.chatTemplate }),
  };
}

/**
 * The chat template: tokenizer_config.json's chat_template (a string, or a list of named
 * templates of which "default" is used), else the chat_template.jinja file newer folders carry.
 */
/** Chat templates are a few kilobytes; a megabyte is far beyond any. */
const MAX_TEMPLATE_BYTES = 1_048_576;

export function readChatTemplate(dir: string, tokenizerConfig: JsonObject): string | undefined {
  const template = tokenizerConfig.chat_template;
  if (typeof template === 'string') return template;
  if (Array.isArray(template)) {
    const named = template as Array<{ name?: string; template?: string }>;
    return (named.find((t) => t.name === 'default') ?? named[0])?.template;
  }
  const jinja = path.join(dir, 'chat_template.jinja');
  if (!fs.existsSync(jinja)) return undefined;
  try {
    return readBoundedFileSync(jinja, MAX_TEMPLATE_BYTES).toString('utf8');
  } catch (error) {
    if (error instanceof UnreadableFileError) throw new ModelFolderError('chat_template.jinja', error.problem);
    throw error;
  }
}
