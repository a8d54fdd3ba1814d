// The indexing settings everyone starts from (package.json declares the same defaults for the
// llmPipeline.rag.* settings), and chunks cut to fit the model's context window as prompt sources.

import { fitChunkToWindow } from './chunker';
import type { IndexSettings } from './indexer';
import { DEFAULT_WALK } from './walkFolder';

/** Fused chunks that go into the prompt as sources. */
export const PROMPT_SOURCES = 4;
/** The answer's room in the context window, in tokens, unless the panel sets another. */
export const DEFAULT_ANSWER_TOKENS = 64;

export const DEFAULT_INDEX_SETTINGS: IndexSettings = { walk: DEFAULT_WALK, chunk: { size: 256, overlap: 32 }, maxFileBytes: 1_048_576 };

/** `settings` with chunks no larger than a window of `contextLength` tokens can hold as sources. */
export function fittedIndexSettings(settings: IndexSettings, contextLength: number | undefined): IndexSettings {
  if (contextLength === undefined) return settings;
  return { ...settings, chunk: fitChunkToWindow(settings.chunk, { contextLength, answerTokens: DEFAULT_ANSWER_TOKENS, sources: PROMPT_SOURCES }) };
}
