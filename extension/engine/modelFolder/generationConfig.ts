// generation_config.json: the defaults transformers uses when generating (special tokens,
// sampling settings). We write the special tokens and read whatever a folder carries.

import * as fs from 'node:fs';
import { JsonFields, readJsonObject, type JsonObject } from './jsonFile';

export interface GenerationConfig {
  readonly bosTokenId?: number;
  readonly eosTokenIds: readonly number[];
  /** The whole file, for settings this engine does not interpret. */
  readonly json: JsonObject;
}

export function generationConfigJson(tokens: { bosTokenId?: number; eosTokenId?: number }): JsonObject {
  return {
    ...(tokens.bosTokenId === undefined ? {} : { bos_token_id: tokens.bosTokenId }),
    ...(tokens.eosTokenId === undefined ? {} : { eos_token_id: tokens.eosTokenId }),
  };
}

/** The file is optional: an absent one means no defaults. */
export function readGenerationConfig(file: string, shownAs = 'generation_config.json'): GenerationConfig {
  if (!fs.existsSync(file)) return { eosTokenIds: [], json: {} };
  const json = readJsonObject(file, shownAs);
  const fields = new JsonFields(json, shownAs);
  return { bosTokenId: fields.tokenIds('bos_token_id')[0], eosTokenIds: fields.tokenIds('eos_token_id'), json };
}
