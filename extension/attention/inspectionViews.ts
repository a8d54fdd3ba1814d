// What the attention panel is sent, built from one inspection run: the tokens and every head's
// thumbnail first (enough to draw), the chosen head full size, then the logit lens and the
// residual-stream norms. Every array is a fresh copy sized to what it holds.
import type { InspectionResult } from '../engine/runtime/inspection';
import type { TokenDecoder } from '../engine/tokenizer/types';
import { MEAN_HEAD, type HeadMatrix, type InspectionView, type LensView, type NormsView, type TokenView } from '../../webviews/attention/protocol';
import { headMatrix, meanOverHeads, thumbnails, thumbnailSide } from './attentionMatrices';
import { residualNorms } from './residualNorms';
import type { TextInspection } from './textInspection';
import { LENS_TOP_K, topTokens } from '../engine/runtime/topTokens';

/**
 * The largest thumbnail side. Thumbnails are drawn about 56 px wide, so 32 × 32 cells lose little,
 * and the overview stays small (a 12-layer, 12-head model's is 590 KB): it is what the heatmap
 * waits for, and sending it is the slowest part on a remote workbench.
 */
export const MAX_THUMBNAIL_SIDE = 32;

export interface InspectionViewInput {
  readonly runId: number;
  readonly text: string;
  readonly source: string;
  readonly linked: boolean;
  readonly notices: readonly string[];
  readonly inspection: TextInspection;
  readonly attentionUnavailable?: string;
  /** The head to send full size with the overview, when it exists in this model. */
  readonly selected?: { readonly layer: number; readonly head: number };
}

export function inspectionView(input: InspectionViewInput): InspectionView {
  const { spans, result } = input.inspection;
  const T = spans.length;
  const side = thumbnailSide(T, MAX_THUMBNAIL_SIDE);
  const tokens: TokenView[] = spans.map((s) => ({ id: s.id, text: s.text, start: s.start, end: s.end }));
  const selected = input.selected && headIn(result, input.selected.layer, input.selected.head) ? attentionOf(result, input.selected.layer, input.selected.head) : undefined;
  return {
    runId: input.runId,
    text: input.text,
    source: input.source,
    linked: input.linked,
    tokens,
    notices: input.notices,
    heads: result.attentions.map((a) => a.heads),
    thumbnailSize: side,
    thumbnails: result.attentions.map((a) => thumbnails(a.data, a.heads, T, side)),
    attentionUnavailable: input.attentionUnavailable ?? (result.attentions.length === 0 ? 'no attention maps were found in this graph' : undefined),
    selected,
  };
}

/** True when `layer` exists and `head` is one of its heads or MEAN_HEAD. */
export function headIn(result: InspectionResult, layer: number, head: number): boolean {
  const map = result.attentions[layer];
  return map !== undefined && (head === MEAN_HEAD || (head >= 0 && head < map.heads));
}

/** One head (or the mean over the layer's heads) full size, T × T. */
export function attentionOf(result: InspectionResult, layer: number, head: number): HeadMatrix {
  const map = result.attentions[layer];
  if (!map || !headIn(result, layer, head)) throw new Error(`layer ${layer}, head ${head} is not in this model`);
  const T = result.tokens.length;
  return { layer, head, data: head === MEAN_HEAD ? meanOverHeads(map.data, map.heads, T) : headMatrix(map.data, head, T) };
}

/**
 * The logit lens of every residual stream at every position, cut to its top tokens (already cut by
 * an inspector opened with lensTopK, as the panels' are); undefined for a foreign model.
 */
export function lensView(runId: number, result: InspectionResult, tokenizer: TokenDecoder, vocabSize: number): LensView | undefined {
  const T = result.tokens.length;
  const parts = result.logitLensTop ?? result.logitLens.map((logits) => topTokens(logits, T, vocabSize, LENS_TOP_K));
  if (parts.length === 0) return undefined;
  const k = parts[0].k;
  const ids = new Int32Array(parts.length * T * k);
  const probs = new Float32Array(parts.length * T * k);
  parts.forEach((part, l) => {
    ids.set(part.ids, l * T * k);
    probs.set(part.probs, l * T * k);
  });
  const texts = Array.from(ids, (id) => tokenText(tokenizer, id));
  return { runId, streams: parts.length, k, ids, probs, texts };
}

/** ‖h‖ of every residual stream at every position; undefined for a foreign model. */
export function normsView(runId: number, result: InspectionResult): NormsView | undefined {
  if (result.hiddenStates.length === 0) return undefined;
  const T = result.tokens.length;
  const width = result.hiddenStates[0].length / T;
  return { runId, streams: result.hiddenStates.length, norms: residualNorms(result.hiddenStates, T, width) };
}

const spellings = new WeakMap<TokenDecoder, Map<number, string>>();

/**
 * The text of one token id, remembered per tokenizer (the lens and the embeddings ask for the same
 * ids run after run); ids the tokenizer lacks (a vocabulary padded past it) show as ⟨id⟩.
 */
export function tokenText(tokenizer: TokenDecoder, id: number): string {
  let known = spellings.get(tokenizer);
  if (!known) spellings.set(tokenizer, (known = new Map()));
  let text = known.get(id);
  if (text === undefined) {
    try {
      text = tokenizer.decode([id]);
    } catch {
      text = `⟨${id}⟩`;
    }
    known.set(id, text);
  }
  return text;
}
