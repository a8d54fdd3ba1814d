// The engine's BPE trace of a word turned into what the panel's step view draws. A part that
// holds only some bytes of a character (byte-level BPE splits "é" into C3 A9 before merging)
// is shown as its hex bytes, since it has no text of its own.
import type { BpePart, BpeTrace as EngineTrace } from '../engine/tokenizer/bpeSteps';
import type { TokenizerCatalog } from './tokenizerCatalog';
import type { BpePartView, BpePieceTrace, BpeTrace } from '../../webviews/tokenizer/protocol';
import { hexBytes } from './tokenViews';

/** Longest word traced: the step view is for looking at one word, not a paragraph. */
const MAX_WORD = 200;

function partText(part: BpePart): string {
  return part.text.includes('\uFFFD') && !part.token.includes('\uFFFD') ? `⟨${hexBytes(part.bytes)}⟩` : part.text;
}

function partView(part: BpePart): BpePartView {
  return part.id === undefined ? { text: partText(part) } : { text: partText(part), id: part.id };
}

function pieceView(trace: EngineTrace): BpePieceTrace {
  return {
    piece: trace.piece,
    initial: trace.initial.map(partView),
    steps: trace.steps.map((s) => ({ left: partText(s.left), right: partText(s.right), rank: s.rank, parts: s.parts.map(partView), mergedAt: s.position })),
    result: trace.result.map(partView),
    wholeInVocabulary: trace.wholePieceInVocabulary,
  };
}

/** The trace runs in the tokenizer worker: the word goes through the tokenizer's own pre-tokenizer patterns. */
export async function bpeTraceView(catalog: TokenizerCatalog, tokenizerId: string, word: string): Promise<BpeTrace> {
  try {
    return { word, tokenizer: tokenizerId, pieces: (await catalog.traceBpe(tokenizerId, word.slice(0, MAX_WORD))).map(pieceView) };
  } catch (error) {
    return { word, tokenizer: tokenizerId, pieces: [], error: (error as Error).message };
  }
}
