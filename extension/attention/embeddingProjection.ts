// Token embeddings in two dimensions. The axes are the first two principal components of the
// embedding rows of the vocabulary's frequent tokens, so they come from the weights alone and stay
// the same for every selection; each token of the text is its row projected on them.
//
// Which tokens are frequent: a byte-level BPE numbers its tokens in the order its merges were
// learned, the most frequent pairs of the training text first, after the 256 single bytes. Those
// single bytes are left out: many never occur in training, so their rows stay where
// initialisation and weight decay left them, a clump that would take over the first component.
import type { Tensor } from '../engine/gpt/tensor';
import type { TokenDecoder } from '../engine/tokenizer/types';
import type { EmbeddingView } from '../../webviews/attention/protocol';
import { tokenText } from './inspectionViews';
import { principalComponents, project, type PrincipalComponents } from './pca';

/** Rows the axes are computed from, and drawn as a backdrop. */
export const BASIS_ROWS = 1024;

/** What a tokenizer needs to tell single-byte tokens apart. */
export interface ByteAwareTokenizer extends TokenDecoder {
  tokenBytes(id: number): Uint8Array;
}

interface Axes {
  readonly ids: Int32Array;
  readonly pca: PrincipalComponents;
}

const cache = new WeakMap<Float32Array, Axes>();

/** The token ids the axes come from: the first BASIS_ROWS that stand for more than one byte (all ids when too few do). */
export function basisIds(vocab: number, tokenizer: ByteAwareTokenizer): Int32Array {
  const ids: number[] = [];
  for (let id = 0; id < vocab && ids.length < BASIS_ROWS; id++) if (tokenizer.tokenBytes(id).length > 1) ids.push(id);
  return ids.length >= 3 ? Int32Array.from(ids) : Int32Array.from({ length: Math.min(vocab, BASIS_ROWS) }, (_, i) => i);
}

/** The two axes of `wte` ([vocab, width]), computed once per weight array. */
export function embeddingAxes(wte: Tensor, tokenizer: ByteAwareTokenizer): Axes {
  let axes = cache.get(wte.data);
  if (!axes) {
    const [vocab, width] = wte.dims;
    const ids = basisIds(vocab, tokenizer);
    const rows = new Float32Array(ids.length * width);
    ids.forEach((id, i) => rows.set(wte.data.subarray(id * width, (id + 1) * width), i * width));
    axes = { ids, pca: principalComponents(rows, ids.length, width, 2, { tolerance: 1e-6, maxSteps: 120 }) };
    cache.set(wte.data, axes);
  }
  return axes;
}

export function embeddingView(runId: number, wte: Tensor, tokenIds: readonly number[], tokenizer: ByteAwareTokenizer): EmbeddingView {
  const width = wte.dims[1];
  const { ids, pca } = embeddingAxes(wte, tokenizer);
  const row = (id: number) => wte.data.subarray(id * width, (id + 1) * width);
  const points = (list: ArrayLike<number>) => {
    const x = new Float32Array(list.length);
    const y = new Float32Array(list.length);
    for (let i = 0; i < list.length; i++) [x[i], y[i]] = project(pca, row(list[i]));
    return { x, y };
  };
  return {
    runId,
    ...points(tokenIds),
    vocabulary: { ids: ids.slice(), texts: Array.from(ids, (id) => tokenText(tokenizer, id)), ...points(ids) },
    explained: [pca.variances[0] / pca.totalVariance, pca.variances[1] / pca.totalVariance],
    basisRows: ids.length,
  };
}
