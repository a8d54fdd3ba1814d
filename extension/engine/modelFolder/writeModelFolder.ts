// Writes a model this program trained as a folder in the Hugging Face layout, loadable by
// transformers in Python (model.safetensors) and by this engine: our GPT-2 also with its decode
// graph (onnx/model.onnx, for transformers.js); a Llama without one, since the engine builds its
// graphs from the safetensors (llama/forwardGraph.ts).
// Every file is written atomically; config.json comes last, so a folder that has one is complete.

import * as path from 'node:path';
import type { GPTConfig } from '../gpt/config';
import { buildDecodeModel } from '../gpt/decodeModel';
import { checkParameterShapes, checkWeights } from '../gpt/parameters';
import type { TensorMap } from '../gpt/tensor';
import type { LlamaConfig } from '../llama/config';
import { contextLength } from '../llama/config';
import { llamaConfigJson } from '../llama/configJson';
import { llamaParameters } from '../llama/parameters';
import { writeFileAtomic, writeJsonAtomic } from './atomicWrite';
import { generationConfigJson } from './generationConfig';
import { gpt2ConfigJson } from './gpt2Config';
import type { JsonObject } from './jsonFile';
import { encodeSafetensors } from './safetensors';
import { checkTokenizerFitsVocabulary, findTokenId, gpt2TokenizerConfig } from './tokenizerFiles';

export interface ModelFolderContents {
  readonly config: GPTConfig | LlamaConfig;
  /** Hugging Face names (transformer.wte.weight, model.embed_tokens.weight, ...). */
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
  const llama = 'model_type' in config ? config : undefined;
  if (llama) checkParameterShapes(llamaParameters(llama), weights);
  else checkWeights(config as GPTConfig, weights);
  checkTokenizerFitsVocabulary(tokenizerJson, config.vocab_size);
  const endOfText = findTokenId(tokenizerJson, '<|endoftext|>');
  const tokens = { bosTokenId: contents.bosTokenId ?? endOfText, eosTokenId: contents.eosTokenId ?? endOfText };
  const tokenizerConfig = {
    ...(contents.tokenizerConfig ?? gpt2TokenizerConfig(tokenizerJson, { ...tokens, modelMaxLength: llama ? contextLength(llama) : (config as GPTConfig).n_positions })),
    ...(contents.chatTemplate === undefined ? {} : { chat_template: contents.chatTemplate }),
  };
  const extra = Object.entries(contents.extraFiles ?? {});
  for (const [relative] of extra) checkExtraPath(relative);

  // Build everything that can fail before the first file is replaced.
  const files: Array<[string, string | Uint8Array | JsonObject]> = [
    ...(llama ? [] : [['onnx/model.onnx', buildDecodeModel(config as GPTConfig, weights)] as [string, Uint8Array]]),
    ['model.safetensors', encodeSafetensors(weights, { format: 'pt' })],
    ['tokenizer.json', tokenizerJson],
    ['tokenizer_config.json', tokenizerConfig],
    ['generation_config.json', generationConfigJson(tokens)],
    ...extra,
    ['config.json', llama ? llamaConfigJson(llama, tokens) : gpt2ConfigJson({ gpt: config as GPTConfig, ...tokens })],
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
