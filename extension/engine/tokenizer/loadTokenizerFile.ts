// Loads a tokenizer from disk: a tokenizer.json (or a folder holding one), with the
// tokenizer_config.json beside it when there is one. Every failure names the file and says what is
// wrong with it.

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { readBoundedText, UnreadableFileError } from '../files/readBounded';
import { HfTextTokenizer } from './hfTokenizer';

/**
 * The largest files accepted. The biggest tokenizer.json on the Hub are about 35 MB (Gemma 3's
 * 262,144 tokens); configs and templates are kilobytes.
 */
export const TOKENIZER_FILE_LIMITS = { tokenizerJson: 128 * 1_048_576, config: 16 * 1_048_576, template: 1_048_576 } as const;

export class TokenizerFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'TokenizerFileError';
  }
}

const SUPPORTED_MODELS = ['BPE', 'WordPiece', 'Unigram'];

type Json = Record<string, unknown>;

async function readText(file: string, maxBytes: number): Promise<string> {
  try {
    return await readBoundedText(file, maxBytes);
  } catch (error) {
    if (error instanceof UnreadableFileError) throw new TokenizerFileError(file, error.problem);
    throw error;
  }
}

async function readJsonObject(file: string, what: string, maxBytes: number): Promise<Json> {
  const text = await readText(file, maxBytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TokenizerFileError(file, `is not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TokenizerFileError(file, `is not a ${what}: it holds ${Array.isArray(value) ? 'a list' : typeof value}, not an object`);
  return value as Json;
}

/** Checks what @huggingface/tokenizers would otherwise reject with a vaguer message. */
function checkTokenizerJson(file: string, json: Json): Json {
  const model = json.model;
  if (typeof model !== 'object' || model === null) throw new TokenizerFileError(file, 'has no "model" section, so it is not a tokenizer.json');
  const m = model as Json;
  const type = m.type ?? (Array.isArray(m.vocab) ? 'Unigram' : m.merges !== undefined ? 'BPE' : undefined);
  if (typeof type !== 'string' || !SUPPORTED_MODELS.includes(type)) {
    throw new TokenizerFileError(file, `model type ${JSON.stringify(type ?? null)} is not supported (supported: ${SUPPORTED_MODELS.join(', ')})`);
  }
  if (typeof m.vocab !== 'object' || m.vocab === null) throw new TokenizerFileError(file, 'model.vocab is missing');
  if (type === 'BPE' && !Array.isArray(m.merges)) throw new TokenizerFileError(file, 'model.merges is missing or not a list');
  if (json.added_tokens !== undefined && !Array.isArray(json.added_tokens)) throw new TokenizerFileError(file, 'added_tokens is not a list');
  // tokenizer.json files written by hand may leave out the stages they do not use.
  return { normalizer: null, pre_tokenizer: null, post_processor: null, decoder: null, added_tokens: [], ...json, model: { ...m, type } };
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}

/**
 * The tokenizer in `location`: a tokenizer.json file or a folder that holds one. Its
 * tokenizer_config.json (and chat_template.jinja, where newer folders keep the chat template) are
 * read from the same folder when present. The name shown is the folder's name.
 */
export async function loadTokenizerFile(location: string): Promise<HfTextTokenizer> {
  const stat = await fs.stat(location).catch(() => undefined);
  if (!stat) throw new TokenizerFileError(location, 'no such file or folder');
  const file = stat.isDirectory() ? path.join(location, 'tokenizer.json') : location;
  const dir = path.dirname(file);
  const json = checkTokenizerJson(file, await readJsonObject(file, 'tokenizer.json', TOKENIZER_FILE_LIMITS.tokenizerJson));

  const configFile = path.join(dir, 'tokenizer_config.json');
  const config = (await exists(configFile)) ? await readJsonObject(configFile, 'tokenizer_config.json', TOKENIZER_FILE_LIMITS.config) : {};
  const jinjaFile = path.join(dir, 'chat_template.jinja');
  let templateFile = config.chat_template === undefined ? undefined : configFile;
  if (config.chat_template === undefined && (await exists(jinjaFile))) {
    config.chat_template = await readText(jinjaFile, TOKENIZER_FILE_LIMITS.template);
    templateFile = jinjaFile;
  }

  const name = path.basename(file) === 'tokenizer.json' ? path.basename(dir) : path.basename(file);
  try {
    return new HfTextTokenizer(name, json, config, { tokenizerJson: file, chatTemplate: templateFile });
  } catch (error) {
    throw new TokenizerFileError(file, `@huggingface/tokenizers cannot load it: ${(error as Error).message}`);
  }
}
