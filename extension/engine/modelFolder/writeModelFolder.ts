// Writes our GPT-2 as a model folder in the Hugging Face layout, loadable by transformers.js
// (onnx/model.onnx), by transformers in Python (model.safetensors) and by this engine.
// Every file is written atomically; config.json comes last, so a folder that has one is complete.

import * as path from 'node:path';
import type { GPTConfig } from '../gpt/config';
import { buildDecodeModel } from '../gpt/decodeModel';
import { checkWeights } from '../gpt/parameters';
import type { TensorMap } from '../gpt/tensor';
import { writeFileAtomic, writeJsonAtomic } from './atomicWrite';
import { generationConfigJson } from './generationConfig';
import { gpt2ConfigJson } from './gpt2Config';
import type { JsonObject } from './jsonFile';
import { encodeSafetensors } from './safetensors';
import { checkTokenizerFitsVocabulary, findTokenId, gpt2TokenizerConfig } from './tokenizerFiles';

export interface ModelFolderContents {
  readonly config: GPTConfig;
  /** Hugging Face GPT-2 names (transformer.wte.weight, ...). */
  readonly weights: TensorMap;
  /** The tokenizer.json object, written as is. */
  readonly tokenizerJson: JsonObject;
  /** Written as is when given; otherwise a GPT2Tokenizer config naming the special tokens. */
  readonly tokenizerConfig?: JsonObject;
  /** Stored as tokenizer_config.json's chat_template. */
  readonly chatTemplate?: string;
  /** Default: the id of <|endoftext|>, when the tokenizer has it. */
  readonly bosTokenId?: number;
  readonly eosTokenId?: number;
  /** More files by folder-relative path, e.g. { 'README.md': modelCard }. */
  readonly extraFiles?: Readonly<Record<string, string | Uint8Array>>;
}

export const MODEL_FOLDER_FILES = [
  'onnx/model.onnx',
  'model.safetensors',
  'tokenizer.json',
  'tokenizer_config.json',
  'generation_config.json',
  'config.json',
] as const;

/** Writes the folder and returns the folder-relative paths written, in order. */
export function writeModelFolder(dir: string, contents: ModelFolderContents): string[] {
  const { config, weights, tokenizerJson } = contents;
  checkWeights(config, weights);
  checkTokenizerFitsVocabulary(tokenizerJson, config.vocab_size);
  const endOfText = findTokenId(tokenizerJson, '<|endoftext|>');
  const tokens = { bosTokenId: contents.bosTokenId ?? endOfText, eosTokenId: contents.eosTokenId ?? endOfText };
  const tokenizerConfig = {
    ...(contents.tokenizerConfig ?? gpt2TokenizerConfig(tokenizerJson, { ...tokens, modelMaxLength: config.n_positions })),
    ...(contents.chatTemplate === undefined ? {} : { chat_template: contents.chatTemplate }),
  };
  const extra = Object.entries(contents.extraFiles ?? {});
  for (const [relative] of extra) checkExtraPath(relative);

  // Build everything that can fail before the first file is replaced.
  const files: Array<[string, string | Uint8Array | JsonObject]> = [
    ['onnx/model.onnx', buildDecodeModel(config, weights)],
    ['model.safetensors', encodeSafetensors(weights, { format: 'pt' })],
    ['tokenizer.json', tokenizerJson],
    ['tokenizer_config.json', tokenizerConfig],
    ['generation_config.json', generationConfigJson(tokens)],
    ...extra,
    ['config.json', gpt2ConfigJson({ gpt: config, ...tokens })],
  ];
  for (const [relative, data] of files) {
    const target = path.join(dir, ...relative.split('/'));
    if (typeof data === 'string' || data instanceof Uint8Array) writeFileAtomic(target, data);
    else writeJsonAtomic(target, data);
  }
  return files.map(([relative]) => relative);
}

function checkExtraPath(relative: string): void {
  const parts = relative.split('/');
  if (path.isAbsolute(relative) || parts.some((p) => p === '' || p === '.' || p === '..') || relative.includes('\\')) {
    throw new Error(`extra file "${relative}": give a path inside the folder, with / between parts`);
  }
  if ((MODEL_FOLDER_FILES as readonly string[]).includes(relative)) throw new Error(`extra file "${relative}": the folder writer makes that file itself`);
}
