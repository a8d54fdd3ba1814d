// Preference data for DPO, in TRL's format, one pair per line:
//   {"prompt": "Write a story about Mia.", "chosen": "...", "rejected": "..."}
// The prompt is rendered as a user turn through the model's chat template and each answer as the
// assistant turn after it, exactly as SFT renders conversations, so the tokens that count in the
// sequence log-probability are the answer's (and its end-of-turn token), found the same way.

import type { HfTextTokenizer } from '../../tokenizer/hfTokenizer';
import { DataError } from '../dataset';
import { exampleBatch } from './sftBatches';
import { renderConversation, type ChatExample } from './chatExamples';
import { readJsonl } from './jsonl';

export interface PreferencePair {
  readonly line: number;
  readonly chosen: ChatExample;
  readonly rejected: ChatExample;
}

export interface PreferenceData {
  readonly pairs: PreferencePair[];
  /** Lines left out, with the reason (chosen equal to rejected: no preference to learn). */
  readonly skipped: ReadonlyArray<{ readonly line: number; readonly reason: string }>;
}

function pairProblem(value: Record<string, unknown>): string | undefined {
  for (const key of ['prompt', 'chosen', 'rejected']) {
    if (typeof value[key] !== 'string') return `needs "${key}" as a string`;
  }
  if ((value.prompt as string).trim() === '') return 'the prompt is empty';
  if ((value.chosen as string).trim() === '') return 'the chosen answer is empty';
  if ((value.rejected as string).trim() === '') return 'the rejected answer is empty';
  return undefined;
}

export function loadPreferencePairs(file: string, tokenizer: HfTextTokenizer, contextLength: number): PreferenceData {
  const template = typeof tokenizer.config.chat_template === 'string' ? tokenizer.config.chat_template : undefined;
  if (!template) throw new DataError(file, `the tokenizer ${tokenizer.name} has no chat template to render the prompts with (tokenizer_config.json chat_template)`);
  const pairs: PreferencePair[] = [];
  const skipped: { line: number; reason: string }[] = [];
  for (const { line, value } of readJsonl(file, pairProblem)) {
    const prompt = value.prompt as string;
    if (value.chosen === value.rejected) {
      skipped.push({ line, reason: 'chosen equals rejected, so the pair states no preference' });
      continue;
    }
    const answer = (content: string): ChatExample => {
      const { ids, inLoss } = renderConversation(tokenizer, template, [{ role: 'user', content: prompt }, { role: 'assistant', content }], false);
      const firstTarget = inLoss.indexOf(true);
      if (firstTarget >= contextLength) throw new DataError(file, `line ${line}: the rendered prompt is ${firstTarget} tokens, no shorter than the context of ${contextLength}`);
      return { line, ids: ids.slice(0, contextLength + 1), inLoss: inLoss.slice(0, contextLength + 1) };
    };
    pairs.push({ line, chosen: answer(value.chosen as string), rejected: answer(value.rejected as string) });
  }
  if (pairs.length === 0) throw new DataError(file, `has no usable pair: ${skipped.length} pair(s) have chosen equal to rejected`);
  return { pairs, skipped };
}

/** Rows for the DPO graph: the chosen answers of `pairs`, then their rejected answers in the same order. */
export function preferenceBatch(pairs: readonly PreferencePair[], contextLength: number, padId: number) {
  return exampleBatch([...pairs.map((p) => p.chosen), ...pairs.map((p) => p.rejected)], contextLength, padId);
}
