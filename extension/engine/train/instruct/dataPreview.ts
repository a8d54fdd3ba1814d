// What the training panel shows of instruction data before a run: for SFT, the first conversation
// rendered through the model's chat template, token by token, each marked by whether it is a target
// of the loss (so the learner sees the prompt excluded and the answer included); for DPO, how many
// pairs load and which lines were skipped. Reading the whole file here also reports its bad lines
// (by number) before a run is started.

import { loadTokenizerFile } from '../../tokenizer/loadTokenizerFile';
import type { TrainOptions } from '../options';
import { loadChatExamples } from './chatExamples';
import { loadPreferencePairs } from './preferencePairs';

export interface PreviewToken {
  /** The token's text as the tokenizer decodes it alone. */
  readonly text: string;
  /** True when the model is trained to produce this token (it is a target of the loss). */
  readonly inLoss: boolean;
}

export type DataPreview =
  | {
      readonly kind: 'sft';
      readonly conversations: number;
      /** Line of the shown conversation in its file. */
      readonly line: number;
      /** Its tokens as the run sees them (cut at the context length + 1). */
      readonly tokens: readonly PreviewToken[];
    }
  | { readonly kind: 'dpo'; readonly pairs: number; readonly skipped: readonly string[] };

/** Tokens shown of the example: the model's context is at most a few hundred tokens anyway. */
const SHOWN_TOKENS = 1024;

export async function previewInstructionData(options: TrainOptions): Promise<DataPreview> {
  const kind = options.objective?.kind;
  if (kind !== 'sft' && kind !== 'dpo') throw new Error('a data preview needs the SFT or DPO objective');
  const tokenizer = await loadTokenizerFile(options.tokenizerPath);
  if (kind === 'dpo') {
    const data = loadPreferencePairs(options.dataPath, tokenizer, options.contextLength);
    return { kind, pairs: data.pairs.length, skipped: data.skipped.map((s) => `line ${s.line}: ${s.reason}`) };
  }
  const examples = loadChatExamples(options.dataPath, tokenizer, { contextLength: options.contextLength, allTokens: options.objective?.kind === 'sft' && options.objective.allTokens });
  const first = examples[0];
  const shown = first.ids.slice(0, SHOWN_TOKENS);
  return { kind, conversations: examples.length, line: first.line, tokens: shown.map((id, i) => ({ text: tokenizer.decode([id]), inLoss: first.inLoss[i] })) };
}
