// A model folder opened for evaluation: its decode graph, its tokenizer and the start token every
// scored text begins with (so that the text's first token is scored too, as `eval` does).

import type { ModelFolder } from '../modelFolder/readModelFolder';
import type { CausalLM } from '../runtime/causalLM';
import { openModelFolder } from '../runtime/openModelFolder';
import type { SessionSettings } from '../runtime/ort';
import type { HfTextTokenizer } from '../tokenizer/hfTokenizer';
import { loadTokenizerFile } from '../tokenizer/loadTokenizerFile';

export interface EvalModel {
  readonly folder: ModelFolder;
  readonly model: CausalLM;
  readonly tokenizer: HfTextTokenizer;
  /** The token put before every text: generation_config's BOS, else config's BOS, else its EOS. */
  readonly startToken: number | undefined;
  release(): Promise<void>;
}

export async function openEvalModel(dir: string, settings: SessionSettings = {}): Promise<EvalModel> {
  const { folder, model } = await openModelFolder(dir, settings);
  try {
    const tokenizer = await loadTokenizerFile(folder.dir);
    const startToken = folder.generation.bosTokenId ?? folder.config.bosTokenId ?? folder.config.eosTokenIds[0];
    return { folder, model, tokenizer, startToken, release: () => model.release() };
  } catch (error) {
    await model.release();
    throw error;
  }
}
