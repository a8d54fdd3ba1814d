// BPE step by step for one pre-tokenized piece of a real tokenizer: the piece's bytes (or
// characters), then each merge the tokenizer applies, in order, with its rank, down to the tokens
// the tokenizer outputs for that piece.

import type { BPE } from '@huggingface/tokenizers';
import { mergeByRank } from './bpeMerge';
import type { AddedTokenInfo, HfTextTokenizer } from './hfTokenizer';
import { vocabEntryBytes } from './tokenBytes';

/** One symbol of the word as it is being merged. */
export interface BpePart {
  /** As the vocabulary spells it, e.g. "Ġthe". */
  readonly token: string;
  /** Its id, or undefined for a symbol the vocabulary lacks. */
  readonly id: number | undefined;
  readonly bytes: Uint8Array;
  /** The bytes as text; U+FFFD where a part holds only some bytes of a character. */
  readonly text: string;
}

export interface BpeStep {
  readonly rank: number;
  readonly left: BpePart;
  readonly right: BpePart;
  /** Index of the new part in `parts`. */
  readonly position: number;
  /** All parts after this merge. */
  readonly parts: readonly BpePart[];
}

export interface BpeTrace {
  /** The piece as text. */
  readonly piece: string;
  /** The piece as the model sees it (after normalizer and pre-tokenizer), e.g. "Ġhello". */
  readonly modelInput: string;
  /** Before any merge: one part per byte (byte-level) or character. */
  readonly initial: readonly BpePart[];
  readonly steps: readonly BpeStep[];
  /**
   * True when the tokenizer found the whole piece in its vocabulary and skipped the merges
   * (`ignore_merges`, as tiktoken and Llama 3 do); `steps` still show what the merges do.
   */
  readonly wholePieceInVocabulary: boolean;
  /** What the tokenizer outputs for this piece. */
  readonly result: readonly BpePart[];
  readonly ids: readonly number[];
}

const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const utf8 = new TextEncoder();

function requireBpe(tokenizer: HfTextTokenizer): BPE {
  const model = tokenizer.hf.model;
  // Required here, not when the extension host starts (tokenizer/hfTokenizer.ts loads it too).
  const { BPE } = require('@huggingface/tokenizers') as typeof import('@huggingface/tokenizers');
  if (!(model instanceof BPE)) {
    throw new Error(`${tokenizer.name} is a ${tokenizer.modelType} tokenizer; step-by-step merges exist only for BPE`);
  }
  return model;
}

function part(tokenizer: HfTextTokenizer, token: string): BpePart {
  const bytes = vocabEntryBytes(token, tokenizer.spelling);
  return { token, id: tokenizer.tokenToId(token), bytes, text: utf8Decoder.decode(bytes) };
}

/** A piece BPE runs on, as the model sees it, or an added token (which BPE never touches). */
interface ModelPiece {
  readonly modelInput: string;
  readonly addedId?: number;
}

/** The pieces the tokenizer cuts `text` into before BPE, in order. */
function modelPieces(tokenizer: HfTextTokenizer, text: string): ModelPiece[] {
  const { hf } = tokenizer;
  const pieces: ModelPiece[] = [];
  // Added tokens are cut out first (the leftmost, and the longest there); each stretch of text
  // between them is one section, normalized and pre-tokenized on its own.
  const added = [...tokenizer.addedTokens.values()].sort((a, b) => b.content.length - a.content.length);
  let section = 0;
  let rest = text;
  while (rest.length > 0) {
    let cut = rest.length;
    let found: AddedTokenInfo | undefined;
    for (const token of added) {
      const at = rest.indexOf(token.content);
      if (at >= 0 && at < cut) {
        cut = at;
        found = token;
      }
    }
    if (cut > 0) {
      const plain = rest.slice(0, cut);
      const normalized = hf.normalizer ? hf.normalizer.normalize(plain) : plain;
      const split = hf.pre_tokenizer ? hf.pre_tokenizer.pre_tokenize(normalized, { section_index: section }) : [normalized];
      pieces.push(...split.filter((p) => p.length > 0).map((modelInput) => ({ modelInput })));
      section++;
    }
    if (!found) break;
    pieces.push({ modelInput: found.content, addedId: found.id });
    section++;
    rest = rest.slice(cut + found.content.length);
  }
  return pieces;
}

const pieceText = (tokenizer: HfTextTokenizer, piece: ModelPiece): string =>
  piece.addedId !== undefined ? piece.modelInput : utf8Decoder.decode(vocabEntryBytes(piece.modelInput, tokenizer.spelling));

/** The pre-tokenized pieces of `text` as text (the units BPE works on), e.g. ["Hello", ",", " world"]. */
export function preTokenize(tokenizer: HfTextTokenizer, text: string): string[] {
  return modelPieces(tokenizer, text).map((piece) => pieceText(tokenizer, piece));
}

function traceModelPiece(tokenizer: HfTextTokenizer, piece: ModelPiece): BpeTrace {
  const model = requireBpe(tokenizer);
  const { modelInput, addedId } = piece;
  if (addedId !== undefined) {
    const whole: BpePart = { token: modelInput, id: addedId, bytes: utf8.encode(modelInput), text: modelInput };
    return { piece: modelInput, modelInput, initial: [whole], steps: [], wholePieceInVocabulary: true, result: [whole], ids: [addedId] };
  }

  const symbols = Array.from(modelInput);
  if (model.end_of_word_suffix) symbols[symbols.length - 1] += model.end_of_word_suffix;
  const steps: BpeStep[] = [];
  const merged = mergeByRank(
    symbols,
    (left, right) => {
      const rank = model.bpe_ranks.get(JSON.stringify([left, right]));
      return rank === undefined ? undefined : { rank, merged: left + right };
    },
    (step) => steps.push({ rank: step.rank, position: step.position, left: part(tokenizer, step.left), right: part(tokenizer, step.right), parts: step.symbols.map((s) => part(tokenizer, s)) }),
  );

  const wholePieceInVocabulary = model.ignore_merges && model.tokens_to_ids.has(modelInput);
  let output = wholePieceInVocabulary ? [modelInput] : merged;
  const suffix = model.continuing_subword_suffix;
  if (!wholePieceInVocabulary && suffix) output = output.map((t, i) => (i < output.length - 1 ? t + suffix : t));
  // Symbols the vocabulary lacks become byte tokens <0xNN> (byte fallback) or the unknown token.
  const result = output.flatMap((token) => {
    if (model.tokens_to_ids.has(token)) return [token];
    const byteTokens = Array.from(utf8.encode(token), (b) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    if (model.byte_fallback && byteTokens.every((t) => model.tokens_to_ids.has(t))) return byteTokens;
    return model.unk_token ? [model.unk_token] : [];
  });
  const parts = result.map((t) => part(tokenizer, t));
  return {
    piece: pieceText(tokenizer, piece),
    modelInput,
    initial: symbols.map((s) => part(tokenizer, s)),
    steps,
    wholePieceInVocabulary,
    result: parts,
    ids: parts.map((p) => p.id).filter((id): id is number => id !== undefined),
  };
}

/** The merges for each piece of `text`, in order. */
export function traceBpePieces(tokenizer: HfTextTokenizer, text: string): BpeTrace[] {
  return modelPieces(tokenizer, text).map((piece) => traceModelPiece(tokenizer, piece));
}

/** The merges for `piece`, which must be a single pre-tokenized piece (a word with its leading space, a number, ...). */
export function traceBpe(tokenizer: HfTextTokenizer, piece: string): BpeTrace {
  const pieces = modelPieces(tokenizer, piece);
  if (pieces.length !== 1) {
    const shown = pieces.map((p) => JSON.stringify(pieceText(tokenizer, p))).join(', ');
    throw new Error(pieces.length === 0 ? `${tokenizer.name}: there is nothing to tokenize in ${JSON.stringify(piece)}` : `${tokenizer.name} cuts ${JSON.stringify(piece)} into ${pieces.length} pieces (${shown}); trace one piece at a time`);
  }
  return traceModelPiece(tokenizer, pieces[0]);
}
