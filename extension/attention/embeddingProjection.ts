// Token embeddings in two dimensions. The axes are the first two principal components of the
// embedding matrix's first rows (the vocabulary's earliest ids: bytes and the first BPE merges,
// the most frequent pieces of the training text), so they come from the weights alone and stay
// the same for every selection. Each token of the text is its embedding row projected on them.
import type { Tensor } from '../engine/gpt/tensor';
import type { TextTokenizer } from '../engine/tokenizer/types';
import type { EmbeddingView } from '../../webviews/attention/protocol';
import { tokenText } from './inspectionViews';
import { principalComponents, project, type PrincipalComponents } from './pca';

/** Rows of the embedding matrix the axes are computed from, and drawn as a backdrop. */
export const BASIS_ROWS = 1024;

const bases = new WeakMap<Float32Array, PrincipalComponents>();

/** The two axes of `wte` ([vocab, width]), computed once per weight array. */
export function embeddingAxes(wte: Tensor): PrincipalComponents {
  let pca = bases.get(wte.data);
  if (!pca) {
    const [vocab, width] = wte.dims;
    const rows = Math.min(vocab, BASIS_ROWS);
    pca = principalComponents(wte.data.subarray(0, rows * width), rows, width, 2, { tolerance: 1e-6, maxSteps: 120 });
    bases.set(wte.data, pca);
  }
  return pca;
}

export function embeddingView(runId: number, wte: Tensor, tokenIds: readonly number[], tokenizer: TextTokenizer): EmbeddingView {
  const [vocab, width] = wte.dims;
  const pca = embeddingAxes(wte);
  const row = (id: number) => wte.data.subarray(id * width, (id + 1) * width);
  const points = (ids: ArrayLike<number>) => {
    const x = new Float32Array(ids.length);
    const y = new Float32Array(ids.length);
    for (let i = 0; i < ids.length; i++) [x[i], y[i]] = project(pca, row(ids[i]));
    return { x, y };
  };
  const basisRows = Math.min(vocab, BASIS_ROWS);
  const ids = Int32Array.from({ length: basisRows }, (_, i) => i);
  return {
    runId,
    ...points(tokenIds),
    vocabulary: { ids, texts: Array.from(ids, (id) => tokenText(tokenizer, id)), ...points(ids) },
    explained: [pca.variances[0] / pca.totalVariance, pca.variances[1] / pca.totalVariance],
    basisRows,
  };
}
